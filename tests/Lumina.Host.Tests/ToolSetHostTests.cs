using Lumina.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>
/// Tool sets against the real host: API keys bound to sets see and call only their sets, on /mcp and on their set's
/// endpoint, and are refused at another set's; anonymous callers see the set of the endpoint they call; stdio's
/// --toolset; renamed and re-described tools.
/// </summary>
/// <remarks>
/// The tests of keys and tokens share one host with the two sets (<see cref="SetsHost"/>), each with users and keys of
/// its own names; the anonymous one, configured otherwise, and the stdio one start their own.
/// </remarks>
public sealed class ToolSetHostTests(ToolSetHostTests.SetsHost shared) : IClassFixture<ToolSetHostTests.SetsHost>, IDisposable
{
    private static readonly string[] s_sets =
    [
        "--Lumina:ToolSets:coding:Include:0=files_*",
        "--Lumina:ToolSets:coding:Include:1=time_now",
        "--Lumina:ToolSets:coding:Exclude:0=files_delete",
        "--Lumina:ToolSets:coding:Rename:time_now=clock",
        "--Lumina:ToolSets:coding:Describe:files_read=Read a file of the repository.",
        "--Lumina:ToolSets:readonly:Include:0=time_*",
        "--Lumina:ToolSets:readonly:Include:1=*_list*",
    ];

    private static readonly string[] s_coding = ["files_list", "files_read", "files_search", "files_write", "files_edit", "files_move", "clock"];

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static Task<McpClient> ConnectAsync(HttpHost host, string path, string? token) =>
        McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri(host.BaseAddress, path),
                AdditionalHeaders = token is null ? null : new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
            }),
            new McpClientOptions { ProtocolVersion = "2025-11-25" });

    private static async Task<List<string>> NamesAsync(McpClient client) => [.. (await client.ListToolsAsync()).Select(t => t.Name).Order(StringComparer.Ordinal)];

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    [Fact]
    public async Task TwoKeys_BoundToTwoSets_SeeAndCallOnlyTheirSets_OnEveryEndpointOfTheirs()
    {
        var host = shared.Host;
        await HttpAuth.AddUserAsync(host.DataDirectory, "alice", "user");
        await HttpAuth.AddUserAsync(host.DataDirectory, "bob", "user");
        var (_, alice) = await HttpAuth.CreateKeyAsync(host.DataDirectory, "alice", "--toolset", "coding");
        var (_, bob) = await HttpAuth.CreateKeyAsync(host.DataDirectory, "bob", "--toolset", "readonly");

        await using var aliceClient = await ConnectAsync(host, "/mcp", alice);
        await using var aliceAtSet = await ConnectAsync(host, "/mcp/coding", alice);
        await using var bobClient = await ConnectAsync(host, "/mcp", bob);

        var aliceTools = await NamesAsync(aliceClient);
        aliceTools.Should().BeEquivalentTo(s_coding);
        (await NamesAsync(aliceAtSet)).Should().Equal(aliceTools, "the same key sees the same set at /mcp/coding");
        var bobTools = await NamesAsync(bobClient);
        bobTools.Should().Contain(["time_now", "time_convert", "files_list"]).And.OnlyContain(n => n.StartsWith("time_", StringComparison.Ordinal) || n.Contains("_list", StringComparison.Ordinal));

        var clock = await aliceClient.CallToolAsync("clock", new Dictionary<string, object?>());
        var web = await aliceClient.CallToolAsync("web_fetch", new Dictionary<string, object?> { ["url"] = "https://example.com" });
        var bobRead = await bobClient.CallToolAsync("files_read", new Dictionary<string, object?> { ["path"] = "a.txt" });
        var bobNow = await bobClient.CallToolAsync("time_now", new Dictionary<string, object?>());

        clock.IsError.Should().NotBe(true, Text(clock));
        web.IsError.Should().BeTrue();
        Text(web).Should().Be("Forbidden: web_fetch is not in the tool set 'coding' that alice uses.");
        Text(bobRead).Should().StartWith("Forbidden: files_read is not in the tool set 'readonly'");
        bobNow.IsError.Should().NotBe(true, Text(bobNow));
        (await aliceClient.ListToolsAsync()).Single(t => t.Name == "files_read").Description.Should().Be("Read a file of the repository.");
    }

    [Fact]
    public async Task BoundKey_AtAnotherSetsEndpoint_IsRefused_AndAnUnknownSetIsNotFound()
    {
        var host = shared.Host;
        await HttpAuth.AddUserAsync(host.DataDirectory, "dora", "user");
        var (_, dora) = await HttpAuth.CreateKeyAsync(host.DataDirectory, "dora", "--toolset", "coding");

        var other = () => ConnectAsync(host, "/mcp/readonly", dora);
        var unknown = () => ConnectAsync(host, "/mcp/nope", dora);

        (await other.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(System.Net.HttpStatusCode.Forbidden);
        (await unknown.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UnboundCaller_SeesTheSetOfTheEndpointItCalls()
    {
        await using var host = await HttpHost.StartAsync([.. s_sets, "--Lumina:Auth:AnonymousRole=user"]);

        await using var everything = await ConnectAsync(host, "/mcp", null);
        await using var coding = await ConnectAsync(host, "/mcp/coding", null);

        (await NamesAsync(coding)).Should().BeEquivalentTo(s_coding);
        (await NamesAsync(everything)).Should().Contain(["web_fetch", "time_now", "files_delete"]).And.NotContain("clock");
        var web = await coding.CallToolAsync("web_fetch", new Dictionary<string, object?> { ["url"] = "https://example.com" });
        Text(web).Should().StartWith("Forbidden: web_fetch is not in the tool set 'coding'");
    }

    [Fact]
    public async Task UnboundToken_AtASetsEndpointFirst_StillSeesEverything_AtMcp()
    {
        // The token's caller is kept between requests (ValidatedTokens): the set of one endpoint must not stick to it.
        var host = shared.Host;
        await HttpAuth.AddUserAsync(host.DataDirectory, "carol", "user");
        using var http = new HttpClient();
        var token = await HttpAuth.PasswordTokenAsync(http, host, "carol");

        await using var coding = await ConnectAsync(host, "/mcp/coding", token);
        var atSet = await NamesAsync(coding);
        await using var everything = await ConnectAsync(host, "/mcp", token);
        var atMcp = await NamesAsync(everything);
        var atSetAgain = await NamesAsync(coding);

        atSet.Should().BeEquivalentTo(s_coding);
        atMcp.Should().Contain(["web_fetch", "time_now", "files_delete"]).And.NotContain("clock");
        atSetAgain.Should().Equal(atSet);
    }

    [Fact]
    public async Task Stdio_ToolSetOption_ServesOnlyThatSet_AndAnUnknownOneStopsTheHost()
    {
        await using var client = await McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = "dotnet",
                Arguments = LuminaProcess.IsolatedArguments(_data.Path, [.. s_sets, "--toolset", "coding"]),
            }),
            new McpClientOptions { ProtocolVersion = "2025-11-25" });

        (await NamesAsync(client)).Should().BeEquivalentTo(s_coding);

        var (exitCode, _, stderr) = await LuminaProcess.RunAsync(null, null, [.. s_sets, "--toolset", "nope", $"--Lumina:DataDirectory={_data.Path}"]);
        exitCode.Should().NotBe(0);
        stderr.Should().Contain("Lumina:Mcp:ToolSet (--toolset) names 'nope'");
    }

    /// <summary>The host the tests of keys and tokens share: the sets <c>coding</c> and <c>readonly</c>, no anonymous callers.</summary>
    public sealed class SetsHost : IAsyncLifetime
    {
        internal HttpHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await HttpHost.StartAsync(s_sets);

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }
}
