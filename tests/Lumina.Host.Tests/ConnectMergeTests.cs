using System.Text.Json.Nodes;
using Lumina.Host.Cli.Connect;

namespace Lumina.Host.Tests;

/// <summary>Merging lumina's entry into a client's file: what was there stays, a backup is made, a re-run updates in place, bad files are refused untouched.</summary>
public sealed class ConnectMergeTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 20, 15, 0, TimeSpan.Zero);
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static ClientEntry Claude(params string[] args) =>
        new("mcpServers", "lumina", new JsonObject { ["command"] = "/home/ada/.dotnet/tools/lumina", ["args"] = new JsonArray([.. args.Select(a => (JsonNode?)a)]) }, null, []);

    private static ClientEntry VsCodeHttp(string url = "http://127.0.0.1:5100/mcp") => new(
        "servers",
        "lumina-http",
        new JsonObject { ["type"] = "http", ["url"] = url, ["headers"] = new JsonObject { ["Authorization"] = "Bearer ${input:lumina-key}" } },
        new JsonObject { ["type"] = "promptString", ["id"] = "lumina-key", ["description"] = "key", ["password"] = true },
        []);

    [Fact]
    public void Write_WithoutAFile_CreatesItAndItsFolders_WithoutABackup()
    {
        var path = _folder.Combine("deep", "Claude", "claude_desktop_config.json");

        var written = ClientConfigFile.Write(path, Claude(), Now);

        written.Created.Should().BeTrue();
        written.Backup.Should().BeNull();
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        root["mcpServers"]!["lumina"]!["command"]!.GetValue<string>().Should().Be("/home/ada/.dotnet/tools/lumina");
        Directory.GetFiles(Path.GetDirectoryName(path)!).Should().ContainSingle();
    }

    [Fact]
    public void Write_KeepsOtherServersAndKeys_AndBacksUpTheFileAsItWas()
    {
        var path = _folder.Combine("claude_desktop_config.json");
        const string before = """
            {
              "globalShortcut": "Ctrl+Space",
              "mcpServers": {
                "filesystem": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"], "env": { "A": "1" } }
              }
            }
            """;
        File.WriteAllText(path, before);

        var written = ClientConfigFile.Write(path, Claude(), Now);

        written.Backup.Should().Be(path + ".20261206-201500.bak");
        File.ReadAllText(written.Backup!).Should().Be(before);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        root["globalShortcut"]!.GetValue<string>().Should().Be("Ctrl+Space");
        var servers = root["mcpServers"]!.AsObject();
        servers.Select(s => s.Key).Should().Equal("filesystem", "lumina");
        JsonNode.DeepEquals(servers["filesystem"], JsonNode.Parse("""{ "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"], "env": { "A": "1" } }""")).Should().BeTrue();
    }

    [Fact]
    public void Write_AgainWithTheSameEntry_ChangesNothing_AndMakesNoBackup()
    {
        var path = _folder.Combine("mcp.json");
        ClientConfigFile.Write(path, Claude("--a"), Now);
        var text = File.ReadAllText(path);

        var again = ClientConfigFile.Write(path, Claude("--a"), Now.AddMinutes(1));

        again.Merge.Changed.Should().BeFalse();
        again.Backup.Should().BeNull();
        File.ReadAllText(path).Should().Be(text);
        Directory.GetFiles(_folder.Path).Should().ContainSingle();
    }

    [Fact]
    public void Write_AChangedEntry_ReplacesItInPlace_NotBesideIt()
    {
        var path = _folder.Combine("mcp.json");
        File.WriteAllText(path, """{"mcpServers":{"a":{"command":"x"},"lumina":{"command":"old"},"z":{"command":"y"}}}""");

        var written = ClientConfigFile.Write(path, Claude("--new"), Now);
        var second = ClientConfigFile.Write(path, Claude("--newer"), Now);

        written.Merge.Replaced.Should().BeTrue();
        second.Backup.Should().NotBe(written.Backup, "a second backup in the same second does not overwrite the first");
        var servers = JsonNode.Parse(File.ReadAllText(path))!["mcpServers"]!.AsObject();
        servers.Select(s => s.Key).Should().Equal("a", "lumina", "z");
        servers["lumina"]!["args"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Equal("--newer");
    }

    [Theory]
    [InlineData("{ \"mcpServers\": { ")]
    [InlineData("not json at all")]
    [InlineData("[1, 2]")]
    [InlineData("{\"mcpServers\": [\"lumina\"]}")]
    [InlineData("{\"mcpServers\": \"none\"}")]
    public void Write_ToAFileItCannotUse_IsRefused_AndTheFileIsUntouched(string content)
    {
        var path = _folder.Combine("claude_desktop_config.json");
        File.WriteAllText(path, content);

        var act = () => ClientConfigFile.Write(path, Claude(), Now);

        act.Should().Throw<ClientConfigException>().WithMessage($"*{path}*");
        File.ReadAllText(path).Should().Be(content);
        Directory.GetFiles(_folder.Path).Should().ContainSingle("no backup and no temporary file is left");
    }

    [Fact]
    public void Write_ToJsonWithCommentsAndTrailingCommas_ReadsIt_AndSaysTheCommentsAreOnlyInTheBackup()
    {
        var path = _folder.Combine("mcp.json");
        const string before = """
            // my servers
            {
              "servers": {
                "github": { "type": "http", "url": "https://api.githubcopilot.com/mcp/" }, /* work */
              },
            }
            """;
        File.WriteAllText(path, before);

        var written = ClientConfigFile.Write(path, VsCodeHttp(), Now);

        written.Merge.CommentsDropped.Should().BeTrue();
        File.ReadAllText(written.Backup!).Should().Be(before);
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        root["servers"]!.AsObject().Select(s => s.Key).Should().Equal("github", "lumina-http");
    }

    [Fact]
    public void Write_VsCodeInputs_KeepsOthers_AndReplacesItsOwn()
    {
        var path = _folder.Combine("mcp.json");
        File.WriteAllText(path, """{"servers":{},"inputs":[{"type":"promptString","id":"other","password":true},{"type":"promptString","id":"lumina-key","description":"old"}]}""");

        ClientConfigFile.Write(path, VsCodeHttp(), Now);
        ClientConfigFile.Write(path, VsCodeHttp("http://127.0.0.1:8080/mcp"), Now);

        var root = JsonNode.Parse(File.ReadAllText(path))!;
        var inputs = root["inputs"]!.AsArray();
        inputs.Select(i => i!["id"]!.GetValue<string>()).Should().Equal("other", "lumina-key");
        inputs[1]!["password"]!.GetValue<bool>().Should().BeTrue();
        root["servers"]!["lumina-http"]!["url"]!.GetValue<string>().Should().Be("http://127.0.0.1:8080/mcp");
    }

    [Fact]
    public void Write_InputsThatAreNotAnArray_IsRefused()
    {
        var path = _folder.Combine("mcp.json");
        File.WriteAllText(path, """{"servers":{},"inputs":{}}""");

        var act = () => ClientConfigFile.Write(path, VsCodeHttp(), Now);

        act.Should().Throw<ClientConfigException>().WithMessage("*'inputs'*not a JSON array*");
        File.ReadAllText(path).Should().Be("""{"servers":{},"inputs":{}}""");
    }

    [Fact]
    public void Write_WhereAFileStandsForAFolder_IsRefusedWithWhere()
    {
        var blocker = _folder.Combine("Claude");
        File.WriteAllText(blocker, "a file, not a folder");
        var path = Path.Combine(blocker, "claude_desktop_config.json");

        var act = () => ClientConfigFile.Write(path, Claude(), Now);

        act.Should().Throw<ClientConfigException>().WithMessage($"cannot write {path}*nothing was changed*");
        File.ReadAllText(blocker).Should().Be("a file, not a folder");
    }

    [Fact]
    public void Write_ThroughASymbolicLink_ChangesItsTarget_AndKeepsTheLink()
    {
        var real = _folder.Combine("dotfiles", "mcp.json");
        Directory.CreateDirectory(Path.GetDirectoryName(real)!);
        File.WriteAllText(real, """{"mcpServers":{}}""");
        var link = _folder.Combine("mcp.json");
        File.CreateSymbolicLink(link, real);

        var written = ClientConfigFile.Write(link, Claude(), Now);

        written.Path.Should().Be(real);
        new FileInfo(link).LinkTarget.Should().Be(real);
        JsonNode.Parse(File.ReadAllText(real))!["mcpServers"]!["lumina"].Should().NotBeNull();
    }

    [Fact]
    public void Write_KeepsAPrivateFilePrivate()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = _folder.Combine("claude_desktop_config.json");
        File.WriteAllText(path, "{}");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        ClientConfigFile.Write(path, Claude(), Now);

        File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
