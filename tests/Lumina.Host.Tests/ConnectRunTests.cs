using System.Text.Json.Nodes;
using Lumina.Host.Cli.Connect;

namespace Lumina.Host.Tests;

/// <summary>
/// <c>lumina connect</c>'s work in-process, on another operating system's folders (macOS under a temporary home) and
/// with lumina installed as a tool or run through dnx: what it writes, where, and what it says.
/// </summary>
public sealed class ConnectRunTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 20, 30, 0, TimeSpan.Zero);
    private readonly TempDirectory _home = new();

    public void Dispose() => _home.Dispose();

    private ClientPlatform MacOS => new(ClientOs.MacOS, _home.Path, _home.Combine("src", "app"), _ => null);

    private LaunchFacts Tool => new(
        _home.Combine(".dotnet", "tools", "lumina"),
        _home.Combine(".dotnet", "tools", ".store", "lumina", "1.2.3", "lumina", "1.2.3", "tools", "net10.0", "any") + "/",
        "1.2.3",
        _home.Combine(".dotnet", "tools"),
        false,
        _ => false);

    private (int ExitCode, string Stdout, string Stderr) Run(ConnectRequest request, bool write, LaunchFacts? facts = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = ConnectCommand.Run(request, write, null, MacOS, facts ?? Tool, Now, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void Claude_OnMacOS_WritesUnderApplicationSupport_TheInstalledToolWithoutWarning()
    {
        var (exitCode, stdout, stderr) = Run(new(ConnectClient.Claude, ConnectScope.User, false, "", "lumina", []), write: true);

        exitCode.Should().Be(0, stderr);
        stderr.Should().BeEmpty("the installed tool needs no warning");
        var file = _home.Combine("Library", "Application Support", "Claude", "claude_desktop_config.json");
        stdout.Should().StartWith($"Created {file} with the 'lumina' server (Claude Desktop):").And.Contain("Restart Claude Desktop");
        var lumina = ClientRules.ClaudeDesktop(File.ReadAllText(file))["mcpServers"]!["lumina"]!;
        lumina["command"]!.GetValue<string>().Should().Be(_home.Combine(".dotnet", "tools", "lumina"));
        lumina["args"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public void VsCode_ThroughDnx_RunsThePinnedPackage_WithTheWorkspaceRootAfterTheSeparator()
    {
        var dnx = new LaunchFacts("/usr/share/dotnet/dotnet", "/home/ada/.nuget/packages/lumina/1.2.3/tools/net10.0/any/", "1.2.3", "/nowhere", false, _ => false);

        var (exitCode, stdout, _) = Run(new(ConnectClient.VsCode, ConnectScope.Workspace, false, "", "lumina", []), write: false, dnx);

        exitCode.Should().Be(0);
        var lumina = ClientRules.VsCode(stdout)["servers"]!["lumina"]!;
        lumina["command"]!.GetValue<string>().Should().Be("/usr/share/dotnet/dotnet");
        lumina["args"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Equal("dnx", "Lumina@1.2.3", "--yes", "--", "--Lumina:Files:Roots:0=${workspaceFolder}");
    }

    [Fact]
    public void Write_ToJsonc_WarnsThatTheCommentsAreOnlyInTheBackup()
    {
        var file = _home.Combine(".cursor", "mcp.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "{\n  // mine\n  \"mcpServers\": {},\n}\n");

        var (exitCode, stdout, stderr) = Run(new(ConnectClient.Cursor, ConnectScope.User, false, "", "lumina", []), write: true);

        exitCode.Should().Be(0);
        stdout.Should().Contain($"Added the 'lumina' server to {file} (Cursor, every project)");
        stderr.Should().Contain($"warning: the comments in {file} could not be kept").And.Contain(".20261206-203000.bak");
        File.ReadAllText(file + ".20261206-203000.bak").Should().Contain("// mine");
        JsonNode.Parse(File.ReadAllText(file))!["mcpServers"]!["lumina"].Should().NotBeNull();
    }
}
