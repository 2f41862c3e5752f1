using System.Text.RegularExpressions;
using Lumina.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary><c>lumina users …</c> and <c>lumina keys …</c> as real processes, and the stdio caller's role.</summary>
public sealed partial class AuthCommandTests : IDisposable
{
    private const string Password = "correct horse battery";
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>Runs lumina with <paramref name="stdin"/> piped in and the test's data directory.</summary>
    private async Task<(int ExitCode, string Stdout, string Stderr)> Lumina(string? stdin, params string[] arguments) =>
        await LuminaProcess.RunAsync(stdin, null, [.. arguments, $"--Lumina:DataDirectory={_data.Path}"]);


    [Fact]
    public async Task Users_AddListSetRoleRemove()
    {
        var add = await Lumina(Password, "users", "add", "Alice", "--role", "user", "--password-stdin");
        await Lumina(Password, "users", "add", "bob", "--role", "guest", "--password-stdin");
        var listed = await Lumina(null, "users", "list");
        var promoted = await Lumina(null, "users", "set-role", "alice", "admin");
        var relisted = await Lumina(null, "users", "list");
        var removed = await Lumina(null, "users", "remove", "bob");
        var final = await Lumina(null, "users", "list");

        add.Should().Be((0, "Added user alice with the role 'user'.\n", string.Empty));
        listed.ExitCode.Should().Be(0);
        Rows(listed.Stdout).Should().Equal(("alice", "user"), ("bob", "guest"));
        promoted.Should().Be((0, "alice now has the role 'admin'.\n", string.Empty));
        Rows(relisted.Stdout).Should().Equal(("alice", "admin"), ("bob", "guest"));
        removed.ExitCode.Should().Be(0);
        Rows(final.Stdout).Should().Equal(("alice", "admin"));
        File.Exists(Path.Combine(_data.Path, "auth.db")).Should().BeTrue();
    }

    [Fact]
    public async Task Users_ToolSet_BoundAtAddAndBySetToolSet_ListedAndRefusedWhenMalformed()
    {
        var add = await Lumina(Password, "users", "add", "carol", "--role", "user", "--password-stdin", "--toolset", "coding");
        var listed = await Lumina(null, "users", "list");
        var unbound = await Lumina(null, "users", "set-toolset", "carol", "none");
        var rebound = await Lumina(null, "users", "set-toolset", "carol", "readonly");
        var bad = await Lumina(null, "users", "set-toolset", "carol", "../x");

        add.Should().Be((0, "Added user carol with the role 'user', bound to the tool set 'coding'.\n", string.Empty));
        listed.Stdout.Should().Contain("TOOLSET").And.Contain("coding");
        unbound.Should().Be((0, "carol now sees every tool the role allows.\n", string.Empty));
        rebound.Should().Be((0, "carol now sees the tool set 'readonly'.\n", string.Empty));
        bad.ExitCode.Should().Be(1);
        bad.Stderr.Should().Contain("not a tool set name");
    }

    [Theory]
    [InlineData(Password, new[] { "users", "add", "bob", "--role", "wizard", "--password-stdin" }, "Unknown role 'wizard': use one of admin, user, guest.")]
    [InlineData("short", new[] { "users", "add", "bob", "--role", "user", "--password-stdin" }, "The password is too weak")]
    [InlineData("", new[] { "users", "add", "bob", "--role", "user", "--password-stdin" }, "The password is empty")]
    [InlineData(null, new[] { "users", "add", "bob", "--role", "user" }, "--password-stdin")]
    [InlineData(null, new[] { "users", "add", "bob", "--role", "user", "--password", Password }, "never given as an argument")]
    [InlineData(null, new[] { "users", "add", "bob", "--role", "user", "--password=" + Password }, "never given as an argument")]
    [InlineData(null, new[] { "users", "add", "bob" }, "--role")]
    [InlineData(Password, new[] { "users", "add", "local", "--role", "user", "--password-stdin" }, "'local' is a reserved name")]
    [InlineData(Password, new[] { "users", "add", "Anonymous", "--role", "admin", "--password-stdin" }, "'anonymous' is a reserved name")]
    [InlineData(null, new[] { "users", "remove", "nobody" }, "There is no user 'nobody'.")]
    [InlineData(null, new[] { "users", "set-role", "nobody", "user" }, "There is no user 'nobody'.")]
    [InlineData(null, new[] { "users", "frobnicate" }, "unknown command 'users frobnicate'")]
    [InlineData(null, new[] { "keys", "create", "nobody" }, "There is no user 'nobody'.")]
    [InlineData(null, new[] { "keys", "revoke", "key_0000" }, "There is no API key 'key_0000'.")]
    [InlineData(null, new[] { "keys", "create", "alice", "--expires", "soon" }, "--expires 'soon' is not a duration")]
    public async Task UserErrors_ExitOneWithAClearMessage_AndChangeNothing(string? stdin, string[] arguments, string message)
    {
        await Lumina(Password, "users", "add", "alice", "--role", "user", "--password-stdin");

        var (exitCode, stdout, stderr) = await Lumina(stdin, arguments);

        exitCode.Should().Be(1);
        stderr.Should().Contain(message);
        stderr.Should().NotContain("   at ", "no stack trace");
        stdout.Should().BeEmpty();
        Rows((await Lumina(null, "users", "list")).Stdout).Should().Equal(("alice", "user"));
    }

    [Fact]
    public async Task AddUser_Duplicate_ExitsOne()
    {
        await Lumina(Password, "users", "add", "alice", "--role", "user", "--password-stdin");

        var (exitCode, _, stderr) = await Lumina("another good password", "users", "add", "ALICE", "--role", "admin", "--password-stdin");

        exitCode.Should().Be(1);
        stderr.Should().Contain("A user named 'alice' already exists.");
    }

    [Fact]
    public async Task Keys_CreateShowsTheKeyOnce_ListNeverShowsIt_RevokeMarksIt()
    {
        await Lumina(Password, "users", "add", "alice", "--role", "user", "--password-stdin");

        var created = await Lumina(null, "keys", "create", "alice", "--role", "guest", "--expires", "30d");
        var secret = created.Stdout.Trim();
        var id = KeyId().Match(created.Stderr).Value;
        var listed = await Lumina(null, "keys", "list");
        var revoked = await Lumina(null, "keys", "revoke", id);
        var relisted = await Lumina(null, "keys", "list");

        created.ExitCode.Should().Be(0);
        secret.Should().MatchRegex("^lum_[A-Za-z0-9_-]{43}$");
        created.Stderr.Should().Contain("not shown again").And.Contain("'guest'");
        listed.Stdout.Should().Contain(id).And.Contain("alice").And.Contain("guest").And.Contain("active").And.NotContain(secret[4..]);
        revoked.Should().Be((0, $"Revoked API key {id}.\n", string.Empty));
        relisted.Stdout.Should().Contain("revoked").And.NotContain("active");
        var random = secret[4..];
        Directory.EnumerateFiles(_data.Path).Select(File.ReadAllBytes).Select(System.Text.Encoding.Latin1.GetString)
            .Should().NotContain(text => text.Contains(random, StringComparison.Ordinal) || text.Contains(Password, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--Lumina:Store=postgres", "Lumina:Store must be 'sqlite' or 'redis'")]
    [InlineData("--Lumina:Memory:Store=postgres", "Lumina:Memory:Store must be 'sqlite' or 'redis'")]
    [InlineData("--Lumina:Auth:PasswordIterations=1000", "Lumina:Auth:PasswordIterations")]
    [InlineData("--Lumina:Store=redis", "Lumina:Store is 'redis' but ConnectionStrings:redis")]
    [InlineData("--Lumina:Memory:Store=redis", "ConnectionStrings:redis")]
    public async Task ConfigurationErrors_ExitTwoNamingTheSetting(string setting, string named)
    {
        var (exitCode, stdout, stderr) = await Lumina(null, "users", "list", setting);

        exitCode.Should().Be(2);
        stderr.Should().Contain(named);
        stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task StoreUnreachable_ExitsTwo()
    {
        var (exitCode, _, stderr) = await Lumina(null, "users", "list", "--Lumina:Memory:Store=redis", "--ConnectionStrings:redis=127.0.0.1:1");

        exitCode.Should().Be(2);
        stderr.Should().Contain("127.0.0.1:1");
    }

    [Fact]
    public async Task Users_WithRedis_AreSharedThroughTheServer()
    {
        await using var redis = await RedisServer.StartAsync();
        string[] shared = ["--Lumina:Store=redis", $"--ConnectionStrings:redis={redis.ConnectionString}"];
        using var otherData = new TempDirectory();

        var add = await Lumina(Password, ["users", "add", "carol", "--role", "admin", "--password-stdin", .. shared]);
        var listed = await LuminaProcess.RunAsync(null, null, ["users", "list", $"--Lumina:DataDirectory={otherData.Path}", .. shared]);

        add.ExitCode.Should().Be(0, add.Stderr);
        Rows(listed.Stdout).Should().Equal(("carol", "admin"));
        File.Exists(Path.Combine(_data.Path, "auth.db")).Should().BeFalse("the users live in Redis");
    }

    [Fact]
    public async Task OlderStoreSetting_StillMovesTheUsers_AndTheServerSaysItIsDeprecated()
    {
        await using var redis = await RedisServer.StartAsync();
        var connection = $"--ConnectionStrings:redis={redis.ConnectionString}";
        using var otherData = new TempDirectory();

        var add = await Lumina(Password, "users", "add", "erin", "--role", "user", "--password-stdin", "--Lumina:Memory:Store=redis", connection);
        var listed = await LuminaProcess.RunAsync(null, null, ["users", "list", $"--Lumina:DataDirectory={otherData.Path}", "--Lumina:Store=redis", connection]);
        await using var server = await RawStdio.StartAsync(_data.Path, "--Lumina:Memory:Store=redis", connection);
        var exitCode = await server.CloseAndWaitAsync();

        add.ExitCode.Should().Be(0, add.Stderr);
        Rows(listed.Stdout).Should().Equal(("erin", "user"));
        exitCode.Should().Be(0);
        (await server.StderrAsync()).Should().Contain("Lumina:Memory:Store is deprecated: set Lumina:Store instead");
    }

    [Fact]
    public async Task Commands_ReadTheServersEnvironmentConfiguration()
    {
        var environment = new Dictionary<string, string> { ["Lumina__DataDirectory"] = _data.Path };

        var add = await LuminaProcess.RunAsync(Password, environment, "users", "add", "dave", "--role", "user", "--password-stdin");
        var listed = await Lumina(null, "users", "list");

        add.ExitCode.Should().Be(0, add.Stderr);
        Rows(listed.Stdout).Should().Equal(("dave", "user"));
    }

    [Fact]
    public async Task Stdio_LocalRoleGuest_HidesAndRefusesWriteTools()
    {
        using var root = new TempDirectory();
        await using var client = await McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = "dotnet",
                Arguments = LuminaProcess.IsolatedArguments(_data.Path, $"--Lumina:Files:Roots:0={root.Path}"),
                EnvironmentVariables = new Dictionary<string, string?> { ["Lumina__Auth__LocalRole"] = "guest" },
            }),
            new McpClientOptions { ProtocolVersion = "2025-11-25" });

        var tools = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
        var write = await client.CallToolAsync("files_write", new Dictionary<string, object?> { ["path"] = root.Combine("new.txt"), ["content"] = "hi" });
        var read = await client.CallToolAsync("files_list", new Dictionary<string, object?> { ["path"] = root.Path });

        tools.Should().Contain(["files_read", "files_list", "time_now"]).And.NotContain(["files_write", "files_delete", "memory_remember"]);
        tools.Should().NotContain(t => t.StartsWith("code_", StringComparison.Ordinal), "prompt tools need execute");
        write.IsError.Should().BeTrue();
        ((TextContentBlock)write.Content.Single()).Text.Should().StartWith("Forbidden: files_write needs the 'write' permission;").And.EndWith("has the role 'guest'.");
        File.Exists(root.Combine("new.txt")).Should().BeFalse();
        read.IsError.Should().NotBe(true);
    }

    private static List<(string User, string Role)> Rows(string table) =>
        [.. table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(c => (c[0], c[1]))];

    [GeneratedRegex("key_[0-9a-f]{16}")]
    private static partial Regex KeyId();
}
