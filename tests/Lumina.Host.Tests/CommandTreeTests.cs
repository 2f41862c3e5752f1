namespace Lumina.Host.Tests;

/// <summary>The <c>lumina</c> command tree as a real process: help for every command, usage errors, configuration anywhere.</summary>
public sealed class CommandTreeTests : IDisposable
{
    private const string Password = "correct horse battery";
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static Task<(int ExitCode, string Stdout, string Stderr)> Run(string? stdin, params string[] arguments) =>
        LuminaProcess.RunAsync(stdin, null, arguments);

    [Theory]
    [InlineData(new[] { "--help" }, "Usage:\n  lumina [command] [options]", new[] { "--http", "--stdio", "--urls <URL>", "--version", "users", "keys", "audit" })]
    [InlineData(new[] { "-h" }, "lumina [command] [options]", new[] { "--http", "--urls <URL>" })]
    [InlineData(new[] { "users", "--help" }, "lumina users [command] [options]", new[] { "add", "list", "remove", "set-role" })]
    [InlineData(new[] { "users", "add", "--help" }, "lumina users add <name> [options]", new[] { "--role <role>", "--password-stdin" })]
    [InlineData(new[] { "users", "list", "--help" }, "lumina users list [options]", new[] { "--help" })]
    [InlineData(new[] { "users", "remove", "-h" }, "lumina users remove <name> [options]", new[] { "--help" })]
    [InlineData(new[] { "users", "set-role", "--help" }, "lumina users set-role <name> <role> [options]", new[] { "--help" })]
    [InlineData(new[] { "keys", "--help" }, "lumina keys [command] [options]", new[] { "create", "list", "revoke" })]
    [InlineData(new[] { "keys", "create", "--help" }, "lumina keys create <owner> [options]", new[] { "--role <role>", "--expires <when>" })]
    [InlineData(new[] { "keys", "list", "--help" }, "lumina keys list [options]", new[] { "--help" })]
    [InlineData(new[] { "keys", "revoke", "--help" }, "lumina keys revoke <id> [options]", new[] { "--help" })]
    [InlineData(new[] { "audit", "--help" }, "lumina audit [command] [options]", new[] { "verify", "tail" })]
    [InlineData(new[] { "audit", "verify", "--help" }, "lumina audit verify [options]", new[] { "--help" })]
    [InlineData(new[] { "audit", "tail", "--help" }, "lumina audit tail [options]", new[] { "-n, --count <COUNT>" })]
    public async Task Help_ForEveryCommand_ExitsZeroAndNamesItsOptions(string[] arguments, string usage, string[] named)
    {
        var (exitCode, stdout, stderr) = await LuminaProcess.RunAsync(arguments);

        exitCode.Should().Be(0, stderr);
        stdout.Should().Contain(usage).And.Contain("Options:");
        stdout.Should().ContainAll(named);
        stderr.Should().BeEmpty();
    }

    [Fact]
    public async Task Help_OfTheRoot_ListsTheStoreSwitchAndNotTheOldMemoryStore()
    {
        var (exitCode, stdout, _) = await LuminaProcess.RunAsync("--help");

        exitCode.Should().Be(0);
        stdout.Should().Contain("Lumina:Store                  sqlite (default, files in the data directory) or redis (every store shared by hosts)")
            .And.Contain("ConnectionStrings:redis       the Redis server for Lumina:Store=redis")
            .And.NotContain("Lumina:Memory:Store");
    }

    [Theory]
    [InlineData(new[] { "help" }, "Lumina:DataDirectory")]
    [InlineData(new[] { "-?" }, "Lumina:DataDirectory")]
    [InlineData(new[] { "version" }, "lumina 0.")]
    public async Task HelpAndVersionWords_WorkAsBefore(string[] arguments, string expected)
    {
        var (exitCode, stdout, _) = await LuminaProcess.RunAsync(arguments);

        exitCode.Should().Be(0);
        stdout.Should().Contain(expected);
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, 2, "lumina: unknown command or argument 'frobnicate'", "Run 'lumina --help' for usage.")]
    [InlineData(new[] { "--bogus" }, 2, "lumina: unknown option '--bogus'", "Run 'lumina --help' for usage.")]
    [InlineData(new[] { "--http", "--stdio" }, 2, "lumina: --http and --stdio cannot both be given.", "Run 'lumina --help' for usage.")]
    [InlineData(new[] { "--urls" }, 2, "lumina: ", "Run 'lumina --help' for usage.")]
    [InlineData(new[] { "--Lumina:DataDirectory" }, 2, "lumina: --Lumina:DataDirectory needs a value", "Run 'lumina --help' for usage.")]
    [InlineData(new[] { "audit", "frobnicate" }, 2, "lumina: unknown command 'audit frobnicate'", "Run 'lumina audit --help' for usage.")]
    [InlineData(new[] { "audit" }, 2, "lumina: 'audit' needs a command: verify, tail", "Run 'lumina audit --help' for usage.")]
    [InlineData(new[] { "audit", "verify", "--verbose" }, 2, "lumina: unknown option '--verbose'", "Run 'lumina audit verify --help' for usage.")]
    [InlineData(new[] { "audit", "tail", "-n", "many" }, 2, "lumina: -n needs a positive whole number", "Run 'lumina audit tail --help' for usage.")]
    [InlineData(new[] { "users" }, 1, "lumina: 'users' needs a command: add, list, remove, set-role", "Run 'lumina users --help' for usage.")]
    [InlineData(new[] { "keys", "frobnicate" }, 1, "lumina: unknown command 'keys frobnicate'", "Run 'lumina keys --help' for usage.")]
    [InlineData(new[] { "users", "list", "--bogus" }, 1, "lumina: unknown option '--bogus'", "Run 'lumina users list --help' for usage.")]
    [InlineData(new[] { "users", "remove", "alice", "bob" }, 1, "lumina: unexpected argument 'bob'", "Run 'lumina users remove --help' for usage.")]
    [InlineData(new[] { "keys", "revoke" }, 1, "lumina: ", "Run 'lumina keys revoke --help' for usage.")]
    public async Task UsageError_ExitsWithOneLineAndWhereToReadTheUsage(string[] arguments, int expectedExit, string message, string hint)
    {
        var (exitCode, stdout, stderr) = await LuminaProcess.RunAsync([.. arguments, $"--Lumina:DataDirectory={_data.Path}"]);

        exitCode.Should().Be(expectedExit, stderr);
        stdout.Should().BeEmpty();
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().StartWith(message);
        lines[^1].Should().Be(hint);
        stderr.Should().NotContain("   at ", "no stack trace");
        Directory.EnumerateFileSystemEntries(_data.Path).Should().BeEmpty("a usage error opens no store");
    }

    [Fact]
    public async Task Overrides_BeforeAndAfterTheSubcommand_BothTakeEffect()
    {
        using var other = new TempDirectory();
        var before = await Run(Password, $"--Lumina:DataDirectory={_data.Path}", "users", "add", "alice", "--role", "user", "--password-stdin");
        var after = await Run(Password, "users", "add", "bob", $"--Lumina:DataDirectory={_data.Path}", "--role", "guest", "--password-stdin");
        var spaced = await Run(Password, "--Lumina:DataDirectory", _data.Path, "users", "add", "carol", "--role", "admin", "--password-stdin");
        var bare = await Run(null, "users", "list", $"Lumina:DataDirectory={_data.Path}");
        // The last value of a setting wins, as the configuration's command-line provider has it.
        var last = await Run(null, $"--Lumina:DataDirectory={other.Path}", "users", "list", $"--Lumina:DataDirectory={_data.Path}");

        before.Should().Be((0, "Added user alice with the role 'user'.\n", string.Empty));
        after.Should().Be((0, "Added user bob with the role 'guest'.\n", string.Empty));
        spaced.Should().Be((0, "Added user carol with the role 'admin'.\n", string.Empty));
        bare.ExitCode.Should().Be(0, bare.Stderr);
        bare.Stdout.Should().Contain("alice").And.Contain("bob").And.Contain("carol");
        last.Stdout.Should().Be(bare.Stdout);
        File.Exists(Path.Combine(_data.Path, "auth.db")).Should().BeTrue();
        Directory.EnumerateFileSystemEntries(other.Path).Should().BeEmpty();
    }

    [Fact]
    public async Task OptionValueAfterEquals_IsTheOptionsValue_NotASetting()
    {
        await Run(Password, "users", "add", "alice", "--role=user", "--password-stdin", $"--Lumina:DataDirectory={_data.Path}");

        var (exitCode, _, stderr) = await Run(null, "keys", "create", "alice", "--role=guest", "--expires=2w", $"--Lumina:DataDirectory={_data.Path}");
        var listed = await Run(null, "users", "list", $"--Lumina:DataDirectory={_data.Path}");

        exitCode.Should().Be(0, stderr);
        stderr.Should().Contain("with the role 'guest', expiring ");
        listed.Stdout.Should().Contain("alice").And.Contain("user");
    }

    [Fact]
    public async Task Http_TakesUrlsAndOverridesAfterTheSwitch()
    {
        // HttpHost starts 'lumina --Lumina:DataDirectory=<its own> --http --urls http://127.0.0.1:0 <these>': the later setting wins.
        var data = _data.Combine("http-data");
        await using var host = await HttpHost.StartAsync($"--Lumina:DataDirectory={data}");

        using var http = new HttpClient();
        (await http.GetStringAsync(new Uri(host.BaseAddress, "/healthz"))).Should().Be("ok");
        host.BaseAddress.Port.Should().NotBe(5100, "--urls named a free port");
        Directory.Exists(data).Should().BeTrue("the host prepared the data directory named after --http");
    }

    [Fact]
    public async Task Stdio_LoadsNoAspNetCoreAssembly()
    {
        await using var raw = await RawStdio.StartAsync(_data.Path);
        await raw.SendAsync("""{"jsonrpc":"2.0","id":"tools","method":"tools/list"}""");
        (await raw.ReadResponseAsync("tools"))["result"]!["tools"]!.AsArray().Should().NotBeEmpty();

        var mapped = (await File.ReadAllLinesAsync($"/proc/{raw.Process.Id}/maps")).Select(l => Path.GetFileName(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]));

        mapped.Should().Contain("lumina.dll").And.NotContain(name => name.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal), "the stdio server is cold-started by every client");
    }
}
