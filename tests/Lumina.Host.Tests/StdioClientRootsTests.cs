using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>
/// Issue 13, item 1, the other side: over stdio the local user's client may still widen the files plugin with its
/// roots (same trust as the process), but never into the host's own data directory.
/// </summary>
public sealed class StdioClientRootsTests : IAsyncLifetime
{
    private readonly TempDirectory _workspace = new();
    private McpClient _client = null!;

    public async Task InitializeAsync()
    {
        File.WriteAllText(_workspace.Combine("notes.txt"), "from the client's workspace");
        Directory.CreateDirectory(_workspace.Combine("data"));
        File.WriteAllText(_workspace.Combine("data", "secret.txt"), "the host's own state");

        // No configured roots: only the client's root opens anything. The data directory sits inside that root.
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "lumina",
            Command = "dotnet",
            Arguments = LuminaProcess.IsolatedArguments(_workspace.Combine("data")),
            StandardErrorLines = _ => { },
        });
        var options = new McpClientOptions
        {
            ProtocolVersion = "2025-11-25",
            Capabilities = new ClientCapabilities { Roots = new RootsCapability() },
        };
        options.Handlers.RootsHandler = (_, _) => ValueTask.FromResult(new ListRootsResult { Roots = [new Root { Uri = new Uri(_workspace.Path).AbsoluteUri }] });
        _client = await McpClient.CreateAsync(transport, options);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        _workspace.Dispose();
    }

    [Fact]
    public async Task StdioClientRoot_WidensTheFilesPlugin_ButNotIntoTheDataDirectory()
    {
        var notes = await _client.CallToolAsync("files_read", new Dictionary<string, object?> { ["path"] = _workspace.Combine("notes.txt") });
        var secret = await _client.CallToolAsync("files_read", new Dictionary<string, object?> { ["path"] = _workspace.Combine("data", "secret.txt") });
        var listing = await _client.CallToolAsync("files_list", new Dictionary<string, object?> { ["path"] = _workspace.Path });

        notes.IsError.Should().NotBe(true);
        Text(notes).Should().Contain("from the client's workspace");
        secret.IsError.Should().BeTrue();
        Text(secret).Should().Contain("folder of the Lumina host itself").And.NotContain("the host's own state");
        Text(listing).Should().Contain("notes.txt").And.NotContain("\"data\"");
    }

    private static string Text(CallToolResult result) =>
        string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
