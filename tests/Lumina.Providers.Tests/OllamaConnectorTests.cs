using System.Text.Json.Nodes;
using Lumina.Testing.Providers;
using Microsoft.Extensions.AI;

namespace Lumina.Providers.Tests;

/// <summary>OllamaSharp's chat client, as Lumina builds it, against a scripted Ollama chat endpoint on loopback.</summary>
public sealed class OllamaConnectorTests : ConnectorContractTests<ScriptedOllamaServer>
{

    [Fact]
    public async Task GetResponse_PlainAnswer_MapsTextUsageAndSendsTheModel()
    {
        Server.ReplyText("Hello from llama.");
        using var client = Connector();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "Say hello")]);

        response.Text.Should().Be("Hello from llama.");
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.Usage!.InputTokenCount.Should().Be(ScriptedOllamaServer.PromptTokens);
        response.Usage.OutputTokenCount.Should().Be(ScriptedOllamaServer.EvalTokens);
        var request = Server.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/api/chat");
        request.Header("Authorization").Should().BeNull("Ollama needs no key, and none was configured");
        var body = request.Json;
        body["model"]!.GetValue<string>().Should().Be("llama-test");
        body["stream"]!.GetValue<bool>().Should().BeFalse();
        var messages = body["messages"]!.AsArray();
        messages.Select(m => m!["role"]!.GetValue<string>()).Should().Equal("system", "user");
        messages[1]!["content"]!.GetValue<string>().Should().Be("Say hello");
    }

    [Fact]
    public async Task ApiKey_IsSentAsABearerToken_AndAPathPrefixIsKept()
    {
        Server.ReplyText("through the proxy");
        using var client = Connector(endpoint: Server.Endpoint + "/ollama", apiKey: "proxy-key");

        (await client.GetResponseAsync("hi")).Text.Should().Be("through the proxy");

        var request = Server.Requests.Single();
        request.Header("Authorization").Should().Be("Bearer proxy-key");
        request.Path.Should().Be("/ollama/api/chat");
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
        updates.Count(u => u.Text.Length > 0).Should().Be(3);
        updates.Should().Contain(u => u.FinishReason != null);
        var response = updates.ToChatResponse();
        response.Usage!.InputTokenCount.Should().Be(ScriptedOllamaServer.PromptTokens);
        response.Usage.OutputTokenCount.Should().Be(ScriptedOllamaServer.EvalTokens);
        Server.Requests.Single().Json["stream"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task ToolCall_ComesBackAsAFunctionCall_WithTheToolSchemaSent_AndIsNotInvoked()
    {
        Server.ReplyToolCall("files_read", new JsonObject { ["path"] = "notes.txt" });
        var invoked = false;
        var tool = AIFunctionFactory.Create((string path) => { invoked = true; return "contents"; }, "files_read", "Reads a text file.");
        using var client = Connector();

        var response = await client.GetResponseAsync("What is in notes.txt?", new ChatOptions { Tools = [tool] });

        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Should().ContainSingle().Subject;
        call.Name.Should().Be("files_read");
        call.CallId.Should().NotBeNullOrEmpty();
        call.Arguments!["path"]!.ToString().Should().Be("notes.txt");
        invoked.Should().BeFalse("the connector returns tool calls; the kernel invokes them");
        Server.Requests.Should().ContainSingle("nothing called the tool and went back to the model");
        var sent = Server.Requests.Single().Json["tools"]!.AsArray().Should().ContainSingle().Subject!;
        sent["type"]!.GetValue<string>().Should().Be("function");
        sent["function"]!["name"]!.GetValue<string>().Should().Be("files_read");
        sent["function"]!["description"]!.GetValue<string>().Should().Be("Reads a text file.");
        sent["function"]!["parameters"]!["properties"]!["path"]!["type"]!.GetValue<string>().Should().Be("string");
    }

    [Fact]
    public async Task ToolResult_IsSentBackAsAToolMessage()
    {
        Server.ReplyText("The notes say hello.");
        using var client = Connector();
        List<ChatMessage> history =
        [
            new(ChatRole.User, "What is in notes.txt?"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "files_read", new Dictionary<string, object?> { ["path"] = "notes.txt" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "hello from the file")]),
        ];

        (await client.GetResponseAsync(history)).Text.Should().Be("The notes say hello.");

        var messages = Server.Requests.Single().Json["messages"]!.AsArray();
        messages.Select(m => m!["role"]!.GetValue<string>()).Should().Equal("user", "assistant", "tool");
        messages[1]!["tool_calls"]![0]!["function"]!["name"]!.GetValue<string>().Should().Be("files_read");
        messages[1]!["tool_calls"]![0]!["function"]!["arguments"]!["path"]!.GetValue<string>().Should().Be("notes.txt");
        messages[2]!["content"]!.GetValue<string>().Should().Contain("hello from the file");
    }

    [Fact]
    public async Task ServerError_IsReadWithStatusAndOllamasMessage()
    {
        Server.ReplyError(500, "llama runner process has terminated: signal: killed");
        using var client = Connector();

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        ConnectorErrors.TryRead(error, out var status, out var retryAfter, out var detail).Should().BeTrue(error.ToString());
        status.Should().Be(500);
        retryAfter.Should().BeNull();
        detail.Should().Be("llama runner process has terminated: signal: killed", "OllamaSharp drops the body of a 500; the connector keeps it");
        Server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task RateLimit_IsReadWithItsRetryAfter()
    {
        Server.ReplyError(429, "too many requests", new Dictionary<string, string> { ["Retry-After"] = "3" });
        using var client = Connector();

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        ConnectorErrors.TryRead(error, out var status, out var retryAfter, out var detail).Should().BeTrue(error.ToString());
        status.Should().Be(429);
        retryAfter.Should().Be(TimeSpan.FromSeconds(3));
        detail.Should().Be("too many requests");
    }

    [Fact]
    public async Task RetryAfterAsADate_IsReadAgainstTheClock()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        Server.ReplyError(503, "server busy", new Dictionary<string, string> { ["Retry-After"] = now.AddSeconds(90).ToString("R", System.Globalization.CultureInfo.InvariantCulture) });
        using var client = Connector(time: new FixedTime(now));

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        ConnectorErrors.TryRead(error, out var status, out var retryAfter, out _).Should().BeTrue(error.ToString());
        status.Should().Be(503);
        retryAfter.Should().Be(TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task BadRequest_IsReadWithOllamasMessage()
    {
        Server.ReplyError(400, "registry.ollama.ai/library/gemma:2b does not support tools");
        using var client = Connector();

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        ConnectorErrors.TryRead(error, out var status, out _, out var detail).Should().BeTrue(error.ToString());
        status.Should().Be(400);
        detail.Should().Contain("does not support tools");
    }

    [Fact]
    public async Task MalformedBody_IsReadAsAFailureWithoutStatus()
    {
        Server.EnqueueRaw(200, "{\"model\":\"llama-scripted\",\"message\":{\"role\":");
        using var client = Connector();

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        ConnectorErrors.TryRead(error, out var status, out _, out var detail).Should().BeTrue(error.ToString());
        status.Should().BeNull();
        detail.Should().Contain("malformed");
    }

    [Fact]
    public async Task AnswerWithoutItsDoneLine_IsAnIncompleteResponse()
    {
        Server.EnqueueRaw(200, "{\"model\":\"llama-scripted\",\"message\":{\"role\":\"assistant\",\"content\":\"half\"},\"done\":false}");
        using var client = Connector();

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        ConnectorErrors.TryRead(error, out var status, out _, out var detail).Should().BeTrue(error.ToString());
        status.Should().BeNull();
        detail.Should().Contain("incomplete");
    }

    [Fact]
    public async Task Streaming_CancelledByTheCaller_IsACancellationNotACut()
    {
        Server.StreamText("one two three four");
        using var client = Connector();
        using var cancel = new CancellationTokenSource();

        var read = async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("count", cancellationToken: cancel.Token))
            {
                await cancel.CancelAsync();
            }
        };

        await read.Should().ThrowAsync<OperationCanceledException>();
    }

    protected override IChatClient CreateConnector(string? endpoint, TimeSpan? timeout) => Connector(endpoint, timeout: timeout);

    private IChatClient Connector(string? endpoint = null, string? apiKey = null, TimeSpan? timeout = null, TimeProvider? time = null) => ProviderClients.CreateOllama(
        new ProviderOptions
        {
            Kind = "ollama",
            Model = "llama-test",
            Endpoint = endpoint ?? Server.Endpoint,
            ApiKey = apiKey,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        },
        time ?? TimeProvider.System);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
