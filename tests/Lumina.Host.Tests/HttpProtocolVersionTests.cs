using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using System.Net;

namespace Lumina.Host.Tests;

/// <summary>
/// The <c>MCP-Protocol-Version</c> header against the real host: inside a session a pre-header revision yields to the
/// negotiated version; every other case is left to the SDK exactly as it answers it.
/// </summary>
/// <remarks>The tests share one host (<see cref="SharedHost"/>), each with a session or stateless requests of its own.</remarks>
public sealed class HttpProtocolVersionTests(HttpProtocolVersionTests.SharedHost fixture) : IClassFixture<HttpProtocolVersionTests.SharedHost>, IDisposable
{
    private const string ToolsList = """{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}""";
    private readonly HttpClient _http = new();

    private HttpHost SharedHttpHost => fixture.Host;

    public void Dispose() => _http.Dispose();

    /// <summary>The host the tests share: the conformance plugin, and callers without credentials let in as users.</summary>
    public sealed class SharedHost : IAsyncLifetime
    {
        internal HttpHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await HttpHost.StartAsync(
            $"--Lumina:Plugins:Directories:0={LuminaProcess.ConformancePluginDirectory}", "--Lumina:Auth:AnonymousRole=user");

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    [Theory]
    [InlineData("2025-03-26")]
    [InlineData("2024-11-05")]
    public async Task SessionRequest_WithPreHeaderVersion_IsServedUnderTheNegotiatedVersion(string version)
    {
        var session = await RawMcpSession.StartAsync(_http, SharedHttpHost.McpEndpoint);

        using var response = await session.SendAsync(RawMcpSession.CallTool(2, "test_simple_text"), version);
        var answer = RawMcpSession.Answer(await RawMcpSession.ReadEventsAsync(response), 2);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        answer.Should().NotBeNull();
        answer!["error"].Should().BeNull("the header restates the specification's fallback; the session's version applies");
        answer["result"]!["content"]![0]!["text"]!.GetValue<string>().Should().Be("This is a simple text response for testing.");
    }

    [Theory]
    [InlineData("2025-03-26")]
    [InlineData("2024-11-05")]
    public async Task PreHeaderVersions_AreOnesTheServerNegotiates(string version)
    {
        // The middleware drops only versions the SDK supports: were one dropped the SDK refuses, a 400 would turn into
        // a success. This pins that premise to the SDK in use.
        using var response = await _http.SendAsync(RawMcpSession.Post(SharedHttpHost.McpEndpoint, RawMcpSession.Initialize(version), version, sessionId: null));
        var answer = RawMcpSession.Answer(await RawMcpSession.ReadEventsAsync(response), 1);

        answer!["result"]!["protocolVersion"]!.GetValue<string>().Should().Be(version);
    }

    [Fact]
    public async Task SessionRequest_WithALaterDifferentVersion_IsStillRefused()
    {
        // 2025-06-18 introduced the header: a client sending it knows the header and states a real mismatch.
        var session = await RawMcpSession.StartAsync(_http, SharedHttpHost.McpEndpoint);

        using var response = await session.SendAsync(ToolsList, "2025-06-18");
        var answer = RawMcpSession.Answer(await RawMcpSession.ReadEventsAsync(response), 2);

        answer!["error"]!["code"]!.GetValue<int>().Should().Be(-32600);
        answer["result"].Should().BeNull();
    }

    [Theory]
    [InlineData("2099-01-01")]
    [InlineData("not-a-version")]
    public async Task SessionRequest_WithUnsupportedVersion_Gets400(string version)
    {
        var session = await RawMcpSession.StartAsync(_http, SharedHttpHost.McpEndpoint);

        using var response = await session.SendAsync(ToolsList, version);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain(version).And.Contain("not supported");
    }

    [Fact]
    public async Task RequestWithoutSession_KeepsItsHeader()
    {
        // Outside a session the header is the SDK's to check: an initialize whose header contradicts its body is refused,
        // which it would not be were the header dropped.
        using var response = await _http.SendAsync(
            RawMcpSession.Post(SharedHttpHost.McpEndpoint, RawMcpSession.Initialize(RawMcpSession.NegotiatedVersion), "2025-03-26", sessionId: null));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("does not match");
    }

    [Fact]
    public async Task StatelessRequest_IsServedWithoutASession()
    {
        await using var client = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = SharedHttpHost.McpEndpoint }),
            new McpClientOptions { ProtocolVersion = "2026-07-28" });

        var result = await client.CallToolAsync("test_simple_text");

        client.NegotiatedProtocolVersion.Should().Be("2026-07-28");
        client.SessionId.Should().BeNull();
        ((TextContentBlock)result.Content.Single()).Text.Should().Be("This is a simple text response for testing.");
    }
}
