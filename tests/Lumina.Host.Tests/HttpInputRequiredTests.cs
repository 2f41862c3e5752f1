using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>
/// A plugin's questions to a stateless 2026-07-28 client over HTTP (SEP-2322), against the real host: through the SDK's
/// own client, and on the wire, where a request state started on one host finishes on another that shares the key, and
/// a changed or foreign one is refused.
/// </summary>
/// <remarks>
/// The tests share one host (<see cref="SharedHost"/>): every request is stateless and carries its own state; the two
/// that need a second host start it.
/// </remarks>
public sealed class HttpInputRequiredTests(HttpInputRequiredTests.SharedHost fixture) : IClassFixture<HttpInputRequiredTests.SharedHost>, IDisposable
{
    private const string StateKey = "a-request-state-key-of-at-least-thirty-two-bytes";
    private readonly HttpClient _http = new();

    private HttpHost SharedHttpHost => fixture.Host;

    public void Dispose() => _http.Dispose();

    /// <summary>The host the tests share, with <see cref="StateKey"/>.</summary>
    public sealed class SharedHost : IAsyncLifetime
    {
        internal HttpHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await StartAsync(StateKey);

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    [Fact]
    public async Task Client2026_ElicitationOverTwoRounds_IsAnsweredThroughInputRequiredResults()
    {
        var asked = new List<string>();
        await using var client = await ConnectAsync(new McpClientHandlers
        {
            ElicitationHandler = (request, _) =>
            {
                asked.Add(request!.Message);
                var field = request.Message.StartsWith("Step 1", StringComparison.Ordinal) ? "name" : "color";
                var value = field == "name" ? "Ada" : "green";
                return ValueTask.FromResult(new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { [field] = JsonSerializer.SerializeToElement(value) } });
            },
        });

        var result = await client.CallToolAsync("test_input_required_result_multi_round");

        result.IsError.Should().NotBe(true);
        Text(result).Should().Be("Ada likes green.");
        asked.Should().Equal("Step 1: What is your name?", "Step 2: What is your favorite color?");
    }

    [Fact]
    public async Task Client2026_Sampling_IsAnsweredByTheClientsModel()
    {
        await using var client = await ConnectAsync(new McpClientHandlers
        {
            SamplingHandler = (request, _, _) => ValueTask.FromResult(new CreateMessageResult
            {
                Role = Role.Assistant,
                Model = "client-model",
                Content = [new TextContentBlock { Text = "Paris, asked for at most " + request!.MaxTokens + " tokens" }],
            }),
        });

        var result = await client.CallToolAsync("test_input_required_result_sampling");

        Text(result).Should().Be("The model answered: Paris, asked for at most 100 tokens");
    }

    [Fact]
    public async Task Client2026_WithoutSampling_IsRefusedWithMissingCapability()
    {
        // The request declares elicitation only: the tool needs the client's model, so SEP-2575's -32021 with HTTP 400.
        var (status, answer) = await SendAsync(SharedHttpHost, "test_missing_capability", inputResponses: null, requestState: null);

        status.Should().Be(HttpStatusCode.BadRequest);
        answer["error"]!["code"]!.GetValue<int>().Should().Be(-32021);
        answer["error"]!["data"]!["requiredCapabilities"]!["sampling"].Should().NotBeNull();
        answer["error"]!["message"]!.GetValue<string>().Should().Contain("sampling");
    }

    [Fact]
    public async Task RequestState_StartedOnOneHost_FinishesOnAnotherWithTheSameKey()
    {
        await using var other = await StartAsync(StateKey);

        var first = await CallAsync(SharedHttpHost, "test_input_required_result_request_state", inputResponses: null, requestState: null);
        var state = first["result"]!["requestState"]!.GetValue<string>();
        var second = await CallAsync(other, "test_input_required_result_request_state", Confirmed(), state);

        first["result"]!["resultType"]!.GetValue<string>().Should().Be("input_required");
        first["result"]!["inputRequests"]!["confirm"]!["method"]!.GetValue<string>().Should().Be("elicitation/create");
        second["result"]!["resultType"]!.GetValue<string>().Should().Be("complete");
        second["result"]!["content"]![0]!["text"]!.GetValue<string>().Should().Be("state-ok: confirmed=true");
    }

    [Fact]
    public async Task RequestState_FromAHostWithAnotherKey_IsRefused()
    {
        await using var other = await StartAsync("another-request-state-key-of-thirty-two-bytes-or-more");

        var first = await CallAsync(SharedHttpHost, "test_input_required_result_request_state", inputResponses: null, requestState: null);
        var refused = await CallAsync(other, "test_input_required_result_request_state", Confirmed(), first["result"]!["requestState"]!.GetValue<string>());

        refused["error"]!["code"]!.GetValue<int>().Should().Be(-32602);
        refused["error"]!["message"]!.GetValue<string>().Should().Contain("requestState");
    }

    [Fact]
    public async Task RequestState_Changed_IsRefused()
    {
        var first = await CallAsync(SharedHttpHost, "test_input_required_result_tampered_state", inputResponses: null, requestState: null);
        var state = first["result"]!["requestState"]!.GetValue<string>();
        var tampered = (state[0] == 'A' ? "B" : "A") + state[1..];

        var refused = await CallAsync(SharedHttpHost, "test_input_required_result_tampered_state", Confirmed(), tampered);

        refused["error"]!["code"]!.GetValue<int>().Should().Be(-32602);
        refused["result"].Should().BeNull();
    }

    [Fact]
    public async Task RequestState_OfAnotherCall_IsRefused()
    {
        // The state is bound to the call: a confirmation given to one tool cannot be replayed into another.
        var first = await CallAsync(SharedHttpHost, "test_input_required_result_request_state", inputResponses: null, requestState: null);

        var refused = await CallAsync(SharedHttpHost, "test_input_required_result_tampered_state", Confirmed(), first["result"]!["requestState"]!.GetValue<string>());

        refused["error"]!["code"]!.GetValue<int>().Should().Be(-32602);
    }

    [Fact]
    public async Task AnswersUnderTheWrongKey_AreAskedForAgain()
    {
        var answer = await CallAsync(SharedHttpHost, "test_input_required_result_elicitation", new JsonObject { ["wrong_key"] = Accepted("name", "Ada") }, requestState: null);

        answer["result"]!["resultType"]!.GetValue<string>().Should().Be("input_required");
        answer["result"]!["inputRequests"]!.AsObject().Select(p => p.Key).Should().Equal("user_name");
    }

    private static Task<HttpHost> StartAsync(string stateKey) => HttpHost.StartAsync(
        $"--Lumina:Plugins:Directories:0={LuminaProcess.ConformancePluginDirectory}",
        "--Lumina:Auth:AnonymousRole=user",
        $"--Lumina:Mcp:RequestStateKey={stateKey}");

    private async Task<McpClient> ConnectAsync(McpClientHandlers handlers) => await McpClient.CreateAsync(
        new HttpClientTransport(new HttpClientTransportOptions { Endpoint = SharedHttpHost.McpEndpoint }),
        new McpClientOptions { ProtocolVersion = "2026-07-28", Handlers = handlers });

    /// <summary>A stateless <c>tools/call</c> on the wire, declaring elicitation, answered with HTTP 200, and its JSON-RPC answer.</summary>
    private async Task<JsonObject> CallAsync(HttpHost host, string tool, JsonObject? inputResponses, string? requestState)
    {
        var (status, answer) = await SendAsync(host, tool, inputResponses, requestState);
        status.Should().Be(HttpStatusCode.OK);
        return answer;
    }

    private async Task<(HttpStatusCode Status, JsonObject Answer)> SendAsync(HttpHost host, string tool, JsonObject? inputResponses, string? requestState)
    {
        var parameters = new JsonObject
        {
            ["name"] = tool,
            ["arguments"] = new JsonObject(),
            ["_meta"] = new JsonObject
            {
                ["io.modelcontextprotocol/protocolVersion"] = "2026-07-28",
                ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject { ["elicitation"] = new JsonObject() },
            },
        };
        if (inputResponses is not null)
        {
            parameters["inputResponses"] = inputResponses;
        }

        if (requestState is not null)
        {
            parameters["requestState"] = requestState;
        }

        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 7, ["method"] = "tools/call", ["params"] = parameters }.ToJsonString();
        using var request = RawMcpSession.Post(host.McpEndpoint, body, "2026-07-28", sessionId: null);
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", tool);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var answer = response.Content.Headers.ContentType?.MediaType == "application/json"
            ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject()
            : RawMcpSession.Answer(await RawMcpSession.ReadEventsAsync(response), 7)!;
        return (response.StatusCode, answer);
    }

    private static JsonObject Confirmed() => new() { ["confirm"] = Accepted("ok", true) };

    private static JsonObject Accepted(string field, JsonNode value) => new()
    {
        ["action"] = "accept",
        ["content"] = new JsonObject { [field] = value },
    };

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(t => t.Text));
}
