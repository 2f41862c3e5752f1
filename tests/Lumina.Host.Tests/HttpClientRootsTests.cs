using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>
/// Issue 13, item 1: an authenticated HTTP client that answers <c>roots/list</c> with <c>file:///</c> must not widen
/// the files plugin. Over HTTP a client's roots only narrow <c>Lumina:Files:Roots</c>; with none configured an HTTP
/// caller gets no files access; the host's own folders (beside the program, the data directory) are never reachable.
/// </summary>
/// <remarks>
/// The tests with a configured root share one host and root (<see cref="RootedHost"/>): they only read, and write under
/// names of their own; the one with no root configured starts its own.
/// </remarks>
public sealed class HttpClientRootsTests(HttpClientRootsTests.RootedHost shared) : IClassFixture<HttpClientRootsTests.RootedHost>, IDisposable
{
    private readonly HttpClient _http = new();
    private readonly TempDirectory _outside = new();

    private HttpHost SharedHost => shared.Host;

    private TempDirectory SharedRoot => shared.Root;

    public void Dispose()
    {
        _http.Dispose();
        _outside.Dispose();
    }

    [Theory]
    [InlineData("gina")]
    [InlineData("alice")]
    public async Task ClientDeclaringTheWholeDisk_ReadsNeitherSystemFilesNorTheDataDirectory(string username)
    {
        await using var client = await ClientAsync(SharedHost, username, "file:///");

        var passwd = await Call(client, "files_read", new() { ["path"] = "/etc/passwd" });
        var data = await Call(client, "files_list", new() { ["path"] = SharedHost.DataDirectory });
        var auth = await Call(client, "files_read", new() { ["path"] = Path.Combine(SharedHost.DataDirectory, "auth.db") });
        var search = await Call(client, "files_search", new() { ["path"] = "/etc", ["pattern"] = "passwd", ["query"] = "root" });
        var inside = await Call(client, "files_read", new() { ["path"] = "top.txt" });

        passwd.IsError.Should().BeTrue();
        Text(passwd).Should().Contain("outside the allowed roots").And.NotContain("root:x:0:0");
        data.IsError.Should().BeTrue();
        Text(data).Should().Contain("folder of the Lumina host itself").And.NotContain("auth.db");
        auth.IsError.Should().BeTrue();
        Text(auth).Should().Contain("folder of the Lumina host itself");
        search.IsError.Should().BeTrue();
        Text(search).Should().Contain("outside the allowed roots").And.NotContain("root:x:0:0");
        inside.IsError.Should().NotBe(true, "the configured root stays open");
        Text(inside).Should().Contain("top of the configured root");
    }

    [Fact]
    public async Task UserDeclaringTheWholeDisk_WritesNeitherOutsideTheRootsNorBesideTheProgram()
    {
        var outside = _outside.Combine("planted.txt");
        var besideProgram = Path.Combine(LuminaProcess.HostDirectory, "appsettings.Production.json");
        File.Exists(besideProgram).Should().BeFalse("the test must not mistake an existing file for a planted one");
        await using var client = await ClientAsync(SharedHost, "alice", "file:///");
        try
        {
            var planted = await Call(client, "files_write", new() { ["path"] = outside, ["content"] = "planted" });
            var settings = await Call(client, "files_write", new() { ["path"] = besideProgram, ["content"] = """{"Lumina":{"Files":{"Roots":["/"]}}}""" });
            var moved = await Call(client, "files_move", new() { ["source"] = "top.txt", ["destination"] = _outside.Combine("moved.txt") });
            var written = await Call(client, "files_write", new() { ["path"] = "sub/new.txt", ["content"] = "allowed" });

            planted.IsError.Should().BeTrue();
            Text(planted).Should().Contain("outside the allowed roots");
            File.Exists(outside).Should().BeFalse();
            settings.IsError.Should().BeTrue();
            Text(settings).Should().Contain("folder of the Lumina host itself");
            File.Exists(besideProgram).Should().BeFalse();
            moved.IsError.Should().BeTrue();
            File.Exists(SharedRoot.Combine("top.txt")).Should().BeTrue();
            written.IsError.Should().NotBe(true, "a user may still write inside the configured root");
            File.ReadAllText(SharedRoot.Combine("sub", "new.txt")).Should().Be("allowed");
        }
        finally
        {
            // Had the guard failed, the host would load this file: never leave it behind for other tests.
            File.Delete(besideProgram);
        }
    }

    [Fact]
    public async Task ClientRootInsideTheConfiguredRoot_NarrowsIt()
    {
        await using var client = await ClientAsync(SharedHost, "alice", new Uri(SharedRoot.Combine("sub")).AbsoluteUri);

        var inner = await Call(client, "files_read", new() { ["path"] = SharedRoot.Combine("sub", "inner.txt") });
        var top = await Call(client, "files_read", new() { ["path"] = SharedRoot.Combine("top.txt") });

        inner.IsError.Should().NotBe(true);
        Text(inner).Should().Contain("inside the narrowed root");
        top.IsError.Should().BeTrue();
        Text(top).Should().Contain("outside the allowed roots").And.NotContain("top of the configured root");
    }

    [Fact]
    public async Task ClientRootDisjointFromTheConfiguredRoot_OpensNothing()
    {
        File.WriteAllText(_outside.Combine("mine.txt"), "the client's own folder");
        await using var client = await ClientAsync(SharedHost, "alice", new Uri(_outside.Path).AbsoluteUri);

        var mine = await Call(client, "files_read", new() { ["path"] = _outside.Combine("mine.txt") });
        var top = await Call(client, "files_read", new() { ["path"] = SharedRoot.Combine("top.txt") });

        mine.IsError.Should().BeTrue();
        Text(mine).Should().Contain("can only narrow the configured roots").And.NotContain("the client's own folder");
        top.IsError.Should().BeTrue();
        Text(top).Should().Contain("can only narrow the configured roots");
    }

    [Fact]
    public async Task NoConfiguredRoots_HttpCallersGetNoFilesAccess_WhateverTheirClientDeclares()
    {
        await using var host = await HttpHost.StartAsync(HttpAuth.SigningKeyArgument);
        await HttpAuth.AddUserAsync(host.DataDirectory, "alice", "user");
        File.WriteAllText(_outside.Combine("mine.txt"), "the client's own folder");
        await using var client = await ClientAsync(host, "alice", "file:///", new Uri(_outside.Path).AbsoluteUri);

        var read = await Call(client, "files_read", new() { ["path"] = _outside.Combine("mine.txt") });
        var list = await Call(client, "files_list", new() { ["path"] = "/" });

        read.IsError.Should().BeTrue();
        Text(read).Should().Contain("No folders are open to the files plugin over HTTP").And.Contain("Lumina:Files:Roots");
        list.IsError.Should().BeTrue();
        Text(list).Should().Contain("No folders are open to the files plugin over HTTP");
    }

    /// <summary>
    /// The host the tests with a configured root share: the root holds <c>top.txt</c> and <c>sub/inner.txt</c>; users
    /// <c>gina</c> (guest) and <c>alice</c> (user).
    /// </summary>
    public sealed class RootedHost : IAsyncLifetime
    {
        internal TempDirectory Root { get; } = new();

        internal HttpHost Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            File.WriteAllText(Root.Combine("top.txt"), "top of the configured root");
            Directory.CreateDirectory(Root.Combine("sub"));
            File.WriteAllText(Root.Combine("sub", "inner.txt"), "inside the narrowed root");
            Host = await HttpHost.StartAsync(HttpAuth.SigningKeyArgument, $"--Lumina:Files:Roots:0={Root.Path}");
            await HttpAuth.AddUserAsync(Host.DataDirectory, "gina", "guest");
            await HttpAuth.AddUserAsync(Host.DataDirectory, "alice", "user");
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            Root.Dispose();
        }
    }

    /// <summary>An MCP client for <paramref name="username"/> that declares the roots capability and answers with <paramref name="roots"/>.</summary>
    private async Task<McpClient> ClientAsync(HttpHost host, string username, params string[] roots)
    {
        var token = await HttpAuth.PasswordTokenAsync(_http, host, username);
        var options = new McpClientOptions
        {
            ProtocolVersion = "2025-11-25",
            Capabilities = new ClientCapabilities { Roots = new RootsCapability() },
        };
        options.Handlers.RootsHandler = (_, _) => ValueTask.FromResult(new ListRootsResult { Roots = [.. roots.Select(r => new Root { Uri = r })] });

        // Destructive calls ask for confirmation: the user confirms, so only the files plugin's own rule can refuse.
        options.Handlers.ElicitationHandler = (_, _) => ValueTask.FromResult(Confirming.Yes());
        return await HttpAuth.McpClientAsync(host, token, options);
    }

    private static Task<CallToolResult> Call(McpClient client, string tool, Dictionary<string, object?> arguments) =>
        client.CallToolAsync(tool, arguments).AsTask();

    private static string Text(CallToolResult result) =>
        string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
