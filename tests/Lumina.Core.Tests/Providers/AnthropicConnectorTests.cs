using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Core.Providers;
using Microsoft.Extensions.AI;

namespace Lumina.Core.Tests.Providers;

/// <summary>The official Anthropic SDK's chat client, as Lumina builds it, against a scripted Messages API on loopback.</summary>
public sealed class AnthropicConnectorTests : IAsyncDisposable
{
    private readonly ScriptedAnthropicServer _server = new();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task GetResponse_PlainAnswer_MapsTextUsageAndSendsModelAndKey()
    {
        _server.ReplyText("Paris is the capital.");
        using var client = Connector();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "Capital of France?")]);

        response.Text.Should().Be("Paris is the capital.");
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.Usage!.InputTokenCount.Should().Be(ScriptedAnthropicServer.InputTokens);
        response.Usage.OutputTokenCount.Should().Be(ScriptedAnthropicServer.OutputTokens);
        var request = _server.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/v1/messages");
        request.Header("Authorization").Should().Be("Bearer test-key", "the SDK (13.x) sends the API key as a bearer token");
        request.Header("anthropic-version").Should().NotBeNullOrEmpty();
        request.Header("x-stainless-retry-count").Should().Be("0");
        var body = request.Json;
        body["model"]!.GetValue<string>().Should().Be("claude-test");
        body["max_tokens"]!.GetValue<int>().Should().Be(ProviderClients.AnthropicDefaultMaxOutputTokens, "Anthropic requires max_tokens, and none was asked for");
        body["system"]!.ToJsonString().Should().Contain("Be brief.");
        body["messages"]!.AsArray().Should().ContainSingle();
        body["messages"]![0]!["role"]!.GetValue<string>().Should().Be("user");
        body["messages"]![0]!.ToJsonString().Should().Contain("Capital of France?");
    }

    [Fact]
    public async Task NoApiKey_ForAProxy_SendsNoCredential()
    {
        _server.ReplyText("through the proxy");
        using var client = ProviderClients.CreateAnthropic(
            new ProviderOptions { Kind = "anthropic", Model = "claude-test", Endpoint = _server.Endpoint },
            TimeProvider.System);

        (await client.GetResponseAsync("hi")).Text.Should().Be("through the proxy");

        var request = _server.Requests.Single();
        request.Header("x-api-key").Should().BeNull();
        request.Header("Authorization").Should().BeNull();
    }

    [Fact]
    public async Task GetResponse_MaxOutputTokensSet_IsSentAsMaxTokens()
    {
        _server.ReplyText("short");
        using var client = Connector();

        await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 123 });

        _server.Requests.Single().Json["max_tokens"]!.GetValue<int>().Should().Be(123);
    }

    [Fact]
    public async Task Streaming_TextArrivesInParts_WithFinishReasonAndUsage()
    {
        _server.StreamText("one two three");
        using var client = Connector();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("count"))
        {
            updates.Add(update);
        }

        string.Concat(updates.Select(u => u.Text)).Should().Be("one two three");
        updates.Count(u => u.Text.Length > 0).Should().Be(3, "each word was its own delta");
        updates.Should().Contain(u => u.FinishReason == ChatFinishReason.Stop);
        var response = updates.ToChatResponse();
        response.Usage!.InputTokenCount.Should().Be(ScriptedAnthropicServer.InputTokens);
        response.Usage.OutputTokenCount.Should().Be(ScriptedAnthropicServer.OutputTokens);
        _server.Requests.Single().Json["stream"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task ToolUse_ComesBackAsAFunctionCall_WithTheToolSchemaSent_AndIsNotInvoked()
    {
        _server.ReplyToolUse("toolu_1", "files_read", new JsonObject { ["path"] = "notes.txt" }, textBefore: "Let me look.");
        var invoked = false;
        var tool = AIFunctionFactory.Create((string path) => { invoked = true; return "contents"; }, "files_read", "Reads a text file.");
        using var client = Connector();

        var response = await client.GetResponseAsync("What is in notes.txt?", new ChatOptions { Tools = [tool] });

        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Should().ContainSingle().Subject;
        call.CallId.Should().Be("toolu_1");
        call.Name.Should().Be("files_read");
        call.Arguments!["path"]!.ToString().Should().Be("notes.txt");
        response.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
        invoked.Should().BeFalse("the connector returns tool calls; the kernel invokes them");
        _server.Requests.Should().ContainSingle("nothing called the tool and went back to the model");
        var sent = _server.Requests.Single().Json["tools"]!.AsArray().Should().ContainSingle().Subject!;
        sent["name"]!.GetValue<string>().Should().Be("files_read");
        sent["description"]!.GetValue<string>().Should().Contain("Reads a text file.");
        sent["input_schema"]!["properties"]!["path"]!["type"]!.GetValue<string>().Should().Be("string");
    }

    [Fact]
    public async Task Streaming_ToolUse_AssemblesTheInputJsonDeltas()
    {
        _server.StreamToolUse("toolu_9", "time_now", "{\"zone\":", " \"Europe/Paris\"}");
        using var client = Connector();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("time?", new ChatOptions { Tools = [AIFunctionFactory.Create((string zone) => zone, "time_now")] }))
        {
            updates.Add(update);
        }

        var call = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Should().ContainSingle().Subject;
        call.CallId.Should().Be("toolu_9");
        call.Name.Should().Be("time_now");
        call.Arguments!["zone"]!.ToString().Should().Be("Europe/Paris");
        updates.Should().Contain(u => u.FinishReason == ChatFinishReason.ToolCalls);
    }

    [Fact]
    public async Task ToolResult_IsSentBackAsAToolResultBlock()
    {
        _server.ReplyText("The notes say hello.");
        using var client = Connector();
        List<ChatMessage> history =
        [
            new(ChatRole.User, "What is in notes.txt?"),
            new(ChatRole.Assistant, [new FunctionCallContent("toolu_1", "files_read", new Dictionary<string, object?> { ["path"] = "notes.txt" })]),
            new(ChatRole.Tool, [new FunctionResultContent("toolu_1", "hello from the file")]),
        ];

        var response = await client.GetResponseAsync(history);

        response.Text.Should().Be("The notes say hello.");
        var messages = _server.Requests.Single().Json["messages"]!.AsArray();
        messages.Should().HaveCount(3);
        var toolUse = messages[1]!["content"]!.AsArray().Single()!;
        toolUse["type"]!.GetValue<string>().Should().Be("tool_use");
        toolUse["id"]!.GetValue<string>().Should().Be("toolu_1");
        toolUse["input"]!["path"]!.GetValue<string>().Should().Be("notes.txt");
        messages[2]!["role"]!.GetValue<string>().Should().Be("user", "Anthropic takes tool results in a user turn");
        var result = messages[2]!["content"]!.AsArray().Single()!;
        result["type"]!.GetValue<string>().Should().Be("tool_result");
        result["tool_use_id"]!.GetValue<string>().Should().Be("toolu_1");
        result["content"]!.ToJsonString().Should().Contain("hello from the file");
    }

    [Fact]
    public async Task ServerError_IsReadWithStatusAndTheProvidersMessage()
    {
        _server.ReplyError(500, "api_error", "Internal server error (scripted)");
        using var client = Connector();

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        ConnectorErrors.TryRead(error, out var status, out var retryAfter, out var detail).Should().BeTrue();
        status.Should().Be(500);
        retryAfter.Should().BeNull();
        detail.Should().Be("Internal server error (scripted)");
        error.Should().BeOfType<HttpRequestException>().Which.InnerException.Should().BeAssignableTo<Anthropic.Exceptions.Anthropic5xxException>();
        _server.Requests.Should().ContainSingle("the SDK's own retries are off");
    }

    [Fact]
    public async Task RateLimit_IsReadWithItsRetryAfter()
    {
        _server.ReplyError(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", retryAfterSeconds: 7);
        using var client = Connector();

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        ConnectorErrors.TryRead(error, out var status, out var retryAfter, out var detail).Should().BeTrue();
        status.Should().Be(429);
        retryAfter.Should().Be(TimeSpan.FromSeconds(7));
        detail.Should().Contain("rate limit");
        _server.Requests.Should().ContainSingle("a 429 is the router's to wait out or route around");
    }

    [Fact]
    public async Task PromptTooLong_DetailIsAnthropicsOwnWords()
    {
        _server.ReplyError(400, "invalid_request_error", "prompt is too long: 212345 tokens > 200000 maximum");
        using var client = Connector();

        var error = await FailureOf(() => client.GetResponseAsync("a very long prompt"));

        ConnectorErrors.TryRead(error, out var status, out _, out var detail).Should().BeTrue();
        status.Should().Be(400);
        detail.Should().StartWith("prompt is too long");
    }

    [Fact]
    public async Task MalformedBody_IsReadAsAFailureWithoutStatus()
    {
        _server.EnqueueRaw(200, "{\"id\":\"msg_1\",\"content\":[{\"type\":\"text\",");
        using var client = Connector();

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        ConnectorErrors.TryRead(error, out var status, out _, out var detail).Should().BeTrue(error.ToString());
        status.Should().BeNull();
        detail.Should().Contain("malformed");
    }

    [Fact]
    public async Task RefusedConnection_IsReadAsAFailureWithoutStatus()
    {
        using var client = Connector($"http://127.0.0.1:{ScriptedOpenAiServer.FreePort()}");

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        ConnectorErrors.TryRead(error, out var status, out var retryAfter, out var detail).Should().BeTrue(error.ToString());
        status.Should().BeNull();
        retryAfter.Should().BeNull();
        detail.Should().Contain("refused");
    }

    [Fact]
    public async Task StreamCutMidway_FailsAfterWhatArrived_AndIsReadAsAFailure()
    {
        _server.StreamText("one two three four", cutAfterWords: 2);
        using var client = Connector();

        var received = new List<string>();
        var error = await FailureOf(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("count"))
            {
                received.Add(update.Text);
            }
        });

        string.Concat(received).Should().Be("one two", "what arrived before the cut is the caller's");
        ConnectorErrors.TryRead(error, out var status, out _, out var detail).Should().BeTrue(error.ToString());
        status.Should().BeNull();
        error.Should().BeOfType<HttpRequestException>();
        // How the reset reaches the client decides which: a clean close before the end event, or a broken read.
        detail.Should().Match(d => d.Contains("stream ended before the model finished", StringComparison.Ordinal) || d.StartsWith("connection broke", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ErrorEventInsideAStream_IsReadWithTheStatusOfItsType()
    {
        _server.StreamError("overloaded_error", "Overloaded");
        using var client = Connector();

        var error = await FailureOf(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi"))
            {
                _ = update;
            }
        });

        ConnectorErrors.TryRead(error, out var status, out _, out var detail).Should().BeTrue(error.ToString());
        status.Should().Be(529);
        detail.Should().Be("Overloaded");
    }

    [Fact]
    public async Task StreamClosedBeforeItsEnd_IsACut_NotAQuietHalfAnswer()
    {
        _server.StreamText("one two three four", cutAfterWords: 2, reset: false);
        using var client = Connector();

        var received = new List<string>();
        var error = await FailureOf(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("count"))
            {
                received.Add(update.Text);
            }
        });

        string.Concat(received).Should().Be("one two");
        ConnectorErrors.TryRead(error, out var status, out _, out var detail).Should().BeTrue(error.ToString());
        status.Should().BeNull();
        detail.Should().Be("the stream ended before the model finished its answer");
    }

    [Fact]
    public async Task SlowProvider_TimesOutWithTheConfiguredTimeout()
    {
        _server.ReplyTextAfter(TimeSpan.FromMinutes(5), "too late");
        using var client = Connector(timeout: TimeSpan.FromMilliseconds(300));

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        error.Should().BeAssignableTo<OperationCanceledException>("a timeout is not the caller's cancellation, and the caller's token was never cancelled");
        ConnectorErrors.TryRead(error, out var status, out _, out var detail).Should().BeTrue(error.ToString());
        status.Should().BeNull();
        detail.Should().StartWith("timed out");
    }

    [Fact]
    public void TryRead_OtherExceptions_AreNotConnectorFailures()
    {
        ConnectorErrors.TryRead(new InvalidOperationException("a bug"), out _, out _, out _).Should().BeFalse();
        ConnectorErrors.TryRead(new JsonException("a tool's bad argument"), out _, out _, out _).Should().BeFalse();
        ConnectorErrors.TryRead(new OperationCanceledException(), out _, out _, out _).Should().BeFalse("a cancellation is the caller's");
    }

    private IChatClient Connector(string? endpoint = null, TimeSpan? timeout = null) => ProviderClients.CreateAnthropic(
        new ProviderOptions
        {
            Kind = "anthropic",
            Model = "claude-test",
            Endpoint = endpoint ?? _server.Endpoint,
            ApiKey = "test-key",
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        },
        TimeProvider.System);

    private static async Task<Exception> FailureOf(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception ex)
        {
            return ex;
        }

        throw new Xunit.Sdk.XunitException("The call was expected to fail, and it succeeded.");
    }
}
