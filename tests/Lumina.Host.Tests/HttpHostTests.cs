using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>The real lumina process over streamable HTTP.</summary>
/// <remarks>
/// The tests share one host (<see cref="SharedHost"/>), each with requests and sessions of its own; the one that stops
/// its host, and the one that starts a host with another home, start their own.
/// </remarks>
public sealed class HttpHostTests(HttpHostTests.SharedHost fixture) : IClassFixture<HttpHostTests.SharedHost>, IDisposable
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""";
    private readonly HttpClient _http = new();

    private HttpHost SharedHttpHost => fixture.Host;

    public void Dispose() => _http.Dispose();

    // These tests are about the transport, not authentication: callers without credentials are let in as users.
    private static Task<HttpHost> StartAsync() => HttpHost.StartAsync("--Lumina:Http:MaxRequestBodyBytes=65536", "--Lumina:Auth:AnonymousRole=user");

    [Fact]
    public async Task Initialize_FromLoopback_IsServed()
    {
        using var response = await PostAsync(Initialize);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.Contains("Mcp-Session-Id").Should().BeTrue("2025-11-25 clients get a session (sampling, elicitation, logging need one)");
    }

    /// <summary>
    /// Lumina protects nothing with ASP.NET Core data protection, so the host must not make (or read) a key ring in the
    /// user's home at start — which authentication's data protection does by default.
    /// </summary>
    [Fact]
    public async Task Start_WritesNothingUnderTheUsersHome()
    {
        using var home = new TempDirectory();
        await using var host = await HttpHost.StartAsync(new Dictionary<string, string> { ["HOME"] = home.Path }, "--Lumina:Auth:AnonymousRole=user");
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, host.McpEndpoint) { Content = new StringContent(Initialize, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Directory.EnumerateFileSystemEntries(home.Path, "*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Theory]
    [InlineData("evil.example.com", null)]
    [InlineData(null, "http://evil.example.com")]
    [InlineData("evil.example.com", "http://evil.example.com")]
    public async Task ForeignHostOrOrigin_IsForbidden(string? host, string? origin)
    {
        using var response = await PostAsync(Initialize, host, origin);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task LocalOrigin_IsAllowed()
    {
        using var response = await PostAsync(Initialize, origin: $"http://localhost:{SharedHttpHost.BaseAddress.Port}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task OversizeBody_IsRefusedAndTheServerKeepsServing()
    {
        var big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"pad\":\"" + new string('a', 200_000) + "\"}}";

        using var response = await PostAsync(big);
        using var after = await PostAsync(Initialize);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        after.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task McpClient_OverHttp_ListsAndCallsTools()
    {
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = SharedHttpHost.McpEndpoint }));

        var tools = await client.ListToolsAsync();
        var result = await client.CallToolAsync("time_now", new Dictionary<string, object?>());

        tools.Select(t => t.Name).Should().Contain("files_read");
        result.IsError.Should().NotBe(true);
        string.Concat(result.Content.OfType<TextContentBlock>().Select(t => t.Text)).Should().MatchRegex(@"\d{4}-\d{2}-\d{2}T");
    }

    [Fact]
    public async Task Stateless2026Client_OverHttp_ListsTools()
    {
        await using var client = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = SharedHttpHost.McpEndpoint }),
            new McpClientOptions { ProtocolVersion = "2026-07-28" });

        var tools = await client.ListToolsAsync();

        client.NegotiatedProtocolVersion.Should().Be("2026-07-28");
        tools.Should().NotBeEmpty();
    }

    [Fact]
    public async Task Sigterm_ShutsDownGracefully()
    {
        await using var host = await StartAsync();

        var exitCode = await host.StopAsync();

        exitCode.Should().Be(0);
    }

    /// <summary>The host the tests share.</summary>
    public sealed class SharedHost : IAsyncLifetime
    {
        internal HttpHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await StartAsync();

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    private async Task<HttpResponseMessage> PostAsync(string body, string? host = null, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, SharedHttpHost.McpEndpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await _http.SendAsync(request);
    }
}
