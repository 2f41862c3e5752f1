using System.Text.Json.Nodes;
using System.Text.Json;
using Lumina.Testing.Providers;
using Microsoft.Extensions.AI;

namespace Lumina.Providers.Tests;

/// <summary>The official Anthropic SDK's chat client, as Lumina builds it, against a scripted Messages API on loopback.</summary>
public sealed class AnthropicConnectorTests : ConnectorContractTests<ScriptedAnthropicServer>
{

    [Fact]
    public async Task GetResponse_PlainAnswer_MapsTextUsageAndSendsModelAndKey()
    {
        Server.ReplyText("Paris is the capital.");
        using var client = Connector();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "Capital of France?")]);

        response.Text.Should().Be("Paris is the capital.");
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.Usage!.InputTokenCount.Should().Be(ScriptedAnthropicServer.InputTokens);
        response.Usage.OutputTokenCount.Should().Be(ScriptedAnthropicServer.OutputTokens);
        var request = Server.Requests.Should().ContainSingle().Subject;
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
        Server.ReplyText("through the proxy");
        using var client = ProviderClients.CreateAnthropic(
            new ProviderOptions { Kind = "anthropic", Model = "claude-test", Endpoint = Server.Endpoint },
            TimeProvider.System);

        (await client.GetResponseAsync("hi")).Text.Should().Be("through the proxy");

        var request = Server.Requests.Single();
        request.Header("x-api-key").Should().BeNull();
        request.Header("Authorization").Should().BeNull();
    }

    [Fact]
    public async Task GetResponse_MaxOutputTokensSet_IsSentAsMaxTokens()
    {
        Server.ReplyText("short");
        using var client = Connector();

        await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 123 });

        Server.Requests.Single().Json["max_tokens"]!.GetValue<int>().Should().Be(123);
    }

    [Fact]
    public async Task Streaming_TextArrivesInParts_WithFinishReasonAndUsage()
    {
        Server.StreamText("one two three");
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
        Server.Requests.Single().Json["stream"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task ToolUse_ComesBackAsAFunctionCall_WithTheToolSchemaSent_AndIsNotInvoked()
    {
        Server.ReplyToolUse("toolu_1", "files_read", new JsonObject { ["path"] = "notes.txt" }, textBefore: "Let me look.");
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
        Server.Requests.Should().ContainSingle("nothing called the tool and went back to the model");
        var sent = Server.Requests.Single().Json["tools"]!.AsArray().Should().ContainSingle().Subject!;
        sent["name"]!.GetValue<string>().Should().Be("files_read");
        sent["description"]!.GetValue<string>().Should().Contain("Reads a text file.");
        sent["input_schema"]!["properties"]!["path"]!["type"]!.GetValue<string>().Should().Be("string");
    }

    [Fact]
    public async Task Streaming_ToolUse_AssemblesTheInputJsonDeltas()
    {
        Server.StreamToolUse("toolu_9", "time_now", "{\"zone\":", " \"Europe/Paris\"}");
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
        Server.ReplyText("The notes say hello.");
        using var client = Connector();
        List<ChatMessage> history =
        [
            new(ChatRole.User, "What is in notes.txt?"),
            new(ChatRole.Assistant, [new FunctionCallContent("toolu_1", "files_read", new Dictionary<string, object?> { ["path"] = "notes.txt" })]),
            new(ChatRole.Tool, [new FunctionResultContent("toolu_1", "hello from the file")]),
        ];

        var response = await client.GetResponseAsync(history);

        response.Text.Should().Be("The notes say hello.");
        var messages = Server.Requests.Single().Json["messages"]!.AsArray();
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
        Server.ReplyError(500, "api_error", "Internal server error (scripted)");
        using var client = Connector();

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        ConnectorErrors.TryRead(error, out var status, out var retryAfter, out var detail).Should().BeTrue();
        status.Should().Be(500);
        retryAfter.Should().BeNull();
        detail.Should().Be("Internal server error (scripted)");
        error.Should().BeOfType<HttpRequestException>().Which.InnerException.Should().BeAssignableTo<Anthropic.Exceptions.Anthropic5xxException>();
        Server.Requests.Should().ContainSingle("the SDK's own retries are off");
    }

    [Fact]
    public async Task RateLimit_IsReadWithItsRetryAfter()
    {
        Server.ReplyError(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", retryAfterSeconds: 7);
        using var client = Connector();

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        ConnectorErrors.TryRead(error, out var status, out var retryAfter, out var detail).Should().BeTrue();
        status.Should().Be(429);
        retryAfter.Should().Be(TimeSpan.FromSeconds(7));
        detail.Should().Contain("rate limit");
        Server.Requests.Should().ContainSingle("a 429 is the router's to wait out or route around");
    }

    [Fact]
    public async Task PromptTooLong_DetailIsAnthropicsOwnWords()
    {
        Server.ReplyError(400, "invalid_request_error", "prompt is too long: 212345 tokens > 200000 maximum");
        using var client = Connector();

        var error = await FailureOf(() => client.GetResponseAsync("a very long prompt"));

        ConnectorErrors.TryRead(error, out var status, out _, out var detail).Should().BeTrue();
        status.Should().Be(400);
        detail.Should().StartWith("prompt is too long");
    }

    [Fact]
    public async Task MalformedBody_IsReadAsAFailureWithoutStatus()
    {
        Server.EnqueueRaw(200, "{\"id\":\"msg_1\",\"content\":[{\"type\":\"text\",");
        using var client = Connector();

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        ConnectorErrors.TryRead(error, out var status, out _, out var detail).Should().BeTrue(error.ToString());
        status.Should().BeNull();
        detail.Should().Contain("malformed");
    }

    [Fact]
    public async Task ErrorEventInsideAStream_IsReadWithTheStatusOfItsType()
    {
        Server.StreamError("overloaded_error", "Overloaded");
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
    public void TryRead_OtherExceptions_AreNotConnectorFailures()
    {
        ConnectorErrors.TryRead(new InvalidOperationException("a bug"), out _, out _, out _).Should().BeFalse();
        ConnectorErrors.TryRead(new JsonException("a tool's bad argument"), out _, out _, out _).Should().BeFalse();
        ConnectorErrors.TryRead(new OperationCanceledException(), out _, out _, out _).Should().BeFalse("a cancellation is the caller's");
    }

    protected override IChatClient CreateConnector(string? endpoint, TimeSpan? timeout) => Connector(endpoint, timeout: timeout);

    private IChatClient Connector(string? endpoint = null, TimeSpan? timeout = null) => ProviderClients.CreateAnthropic(
        new ProviderOptions
        {
            Kind = "anthropic",
            Model = "claude-test",
            Endpoint = endpoint ?? Server.Endpoint,
            ApiKey = "test-key",
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        },
        TimeProvider.System);
}
