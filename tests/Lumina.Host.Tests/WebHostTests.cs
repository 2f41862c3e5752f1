using System.Net;
using System.Text;
using Lumina.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>The web plugin in the real host: web_fetch served and guarded by default, web_search only when configured.</summary>
public sealed class WebHostTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly List<string> _stderr = [];

    public void Dispose() => _data.Dispose();

    private async Task<McpClient> StartAsync(params string[] settings) => await McpClient.CreateAsync(
        new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = "dotnet",
            Arguments = LuminaProcess.IsolatedArguments(_data.Path, settings),
            StandardErrorLines = line =>
            {
                lock (_stderr)
                {
                    _stderr.Add(line);
                }
            },
        }),
        new McpClientOptions { ProtocolVersion = "2025-11-25" });

    [Fact]
    public async Task WebFetch_ServedByDefault_RefusesTheMetadataAddress()
    {
        await using var client = await StartAsync();

        var tools = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
        var result = await client.CallToolAsync("web_fetch", new Dictionary<string, object?> { ["url"] = "http://169.254.169.254/latest/meta-data/" });

        tools.Should().Contain("web_fetch").And.NotContain("web_search", "no search endpoint is configured");
        result.IsError.Should().BeTrue();
        result.Content.OfType<TextContentBlock>().Single().Text.Should().Contain("cloud metadata");
    }

    [Fact]
    public async Task WebSearch_Configured_IsServedAndAsksTheEndpoint()
    {
        await using var searx = new SearxServer();
        await using var client = await StartAsync("--Lumina:Web:Search:Kind=searxng", $"--Lumina:Web:Search:Endpoint={searx.BaseAddress}");

        var result = await client.CallToolAsync("web_search", new Dictionary<string, object?> { ["query"] = "kestrel bay" });

        result.IsError.Should().NotBe(true);
        var text = result.Content.OfType<TextContentBlock>().Single().Text;
        text.Should().Contain("https://one.example/a").And.Contain("First result");
    }

    [Fact]
    public async Task BadWebSetting_StopsTheHostNamingIt()
    {
        var start = () => StartAsync("--Lumina:Web:AllowedHosts:0=10.0.0.0/33");

        await start.Should().ThrowAsync<Exception>();
        var named = await Eventually.WaitAsync(() =>
        {
            lock (_stderr)
            {
                return _stderr.Any(l => l.Contains("Lumina:Web:AllowedHosts:0", StringComparison.Ordinal));
            }
        });
        named.Should().BeTrue("the start-up error names the setting");
    }

    private sealed class SearxServer : LoopbackHttpServer
    {
        public SearxServer() => Start();

        protected override async Task AnswerAsync(HttpListenerContext context)
        {
            var body = Encoding.UTF8.GetBytes("""{"results":[{"title":"First result","url":"https://one.example/a","content":"the first"}]}""");
            context.Response.ContentType = context.Request.Url!.AbsolutePath == "/search" && context.Request.QueryString["format"] == "json" ? "application/json" : "text/plain";
            context.Response.StatusCode = context.Response.ContentType == "application/json" ? 200 : 404;
            await context.Response.OutputStream.WriteAsync(body);
        }
    }
}
