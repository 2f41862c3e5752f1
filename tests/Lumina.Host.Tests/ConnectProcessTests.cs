using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Lumina.Host.Tests;

/// <summary>
/// <c>lumina connect</c> as a real process, with its home folder in a temporary directory: each written file is read
/// back with the rules its client documents, and a written stdio entry is started and answers an MCP handshake.
/// </summary>
public sealed class ConnectProcessTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public ConnectProcessTests()
    {
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Project);
    }

    private string Home => _temp.Combine("home");

    private string Project => _temp.Combine("project");

    public void Dispose() => _temp.Dispose();

    /// <summary>The machine as this process sees it: home in the temporary folder, no tool installed, no XDG folder.</summary>
    private Dictionary<string, string> Environment() => new()
    {
        ["HOME"] = Home,
        ["USERPROFILE"] = Home,
        ["APPDATA"] = Path.Combine(Home, "AppData", "Roaming"),
        ["XDG_CONFIG_HOME"] = string.Empty,
        ["DOTNET_CLI_HOME"] = Home,
    };

    private Task<(int ExitCode, string Stdout, string Stderr)> Connect(params string[] arguments) =>
        LuminaProcess.RunInAsync(Project, Environment(), ["connect", .. arguments]);

    private string ClaudeDesktopFile => Path.Combine(Home, ".config", "Claude", "claude_desktop_config.json");

    private string VsCodeUserFile => Path.Combine(Home, ".config", "Code", "User", "mcp.json");

    [Fact]
    public async Task Claude_Write_MergesIntoClaudeDesktopsFile_KeepingItsServers_AndTheFileFollowsItsFormat()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ClaudeDesktopFile)!);
        File.WriteAllText(ClaudeDesktopFile, """{"globalShortcut":"Alt+Space","mcpServers":{"fetch":{"command":"uvx","args":["mcp-server-fetch"]}}}""");

        var (exitCode, stdout, stderr) = await Connect("claude", "--write");

        exitCode.Should().Be(0, stderr);
        stdout.Should().Contain($"Added the 'lumina' server to {ClaudeDesktopFile} (Claude Desktop)").And.Contain("The previous file is kept as");
        stderr.Should().Contain("warning: this lumina runs from a build output", "the tests run the build, not an installed tool");
        var root = ClientRules.ClaudeDesktop(File.ReadAllText(ClaudeDesktopFile));
        root["globalShortcut"]!.GetValue<string>().Should().Be("Alt+Space");
        root["mcpServers"]!.AsObject().Select(s => s.Key).Should().Equal("fetch", "lumina");
        var lumina = root["mcpServers"]!["lumina"]!;
        Path.IsPathFullyQualified(lumina["command"]!.GetValue<string>()).Should().BeTrue("Claude Desktop does not inherit a shell's PATH");
        Directory.GetFiles(Path.GetDirectoryName(ClaudeDesktopFile)!, "*.bak").Should().ContainSingle();
    }

    [Fact]
    public async Task Claude_WriteTwice_UpdatesOneEntry()
    {
        (await Connect("claude", "--write")).ExitCode.Should().Be(0);
        var (exitCode, stdout, _) = await Connect("claude", "--write");

        exitCode.Should().Be(0);
        stdout.Should().Contain("already has this 'lumina' entry; nothing changed");
        ClientRules.ClaudeDesktop(File.ReadAllText(ClaudeDesktopFile))["mcpServers"]!.AsObject().Should().ContainSingle();
        Directory.GetFiles(Path.GetDirectoryName(ClaudeDesktopFile)!).Should().ContainSingle("the first run created the file, the second changed nothing");
    }

    [Fact]
    public async Task Claude_WrittenStdioEntry_StartsAWorkingServer()
    {
        var data = _temp.Combine("data");
        var (exitCode, _, stderr) = await Connect("claude", "--write", $"--Lumina:DataDirectory={data}");
        exitCode.Should().Be(0, stderr);
        var lumina = ClientRules.ClaudeDesktop(File.ReadAllText(ClaudeDesktopFile))["mcpServers"]!["lumina"]!;
        var command = lumina["command"]!.GetValue<string>();
        var args = lumina["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        args.Should().Contain($"--Lumina:DataDirectory={data}", "settings given to connect are passed on to the server");

        // As Claude Desktop does: the command and args as written, no shell, stdin/stdout the MCP channel.
        var info = new ProcessStartInfo(command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        args.ForEach(info.ArgumentList.Add);
        foreach (var (key, value) in Environment())
        {
            info.Environment[key] = value;
        }

        using var server = Process.Start(info)!;
        var serverErrors = server.StandardError.ReadToEndAsync();
        try
        {
            await server.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"claude-ai","version":"1"}}}""");
            await server.StandardInput.FlushAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var line = await server.StandardOutput.ReadLineAsync(timeout.Token);
            line.Should().NotBeNull(await Task.WhenAny(serverErrors, Task.Delay(100)) == serverErrors ? await serverErrors : "no answer");
            var init = JsonNode.Parse(line!)!;
            init["result"]!["serverInfo"]!["name"]!.GetValue<string>().Should().Be("lumina");
            await server.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            await server.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
            await server.StandardInput.FlushAsync();
            var tools = JsonNode.Parse((await server.StandardOutput.ReadLineAsync(timeout.Token))!)!;
            tools["result"]!["tools"]!.AsArray().Should().NotBeEmpty();
            server.StandardInput.Close();
            await server.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }
        }

        Directory.Exists(data).Should().BeTrue("the server used the data directory written into its arguments");
    }

    [Fact]
    public async Task VsCode_Write_UserAndHttp_FollowVsCodesFormat_WithTheKeyAsAPasswordInput()
    {
        var (stdio, _, stdioErrors) = await Connect("vscode", "--write");
        var (http, stdout, httpErrors) = await Connect("vscode", "--http", "--write");

        stdio.Should().Be(0, stdioErrors);
        http.Should().Be(0, httpErrors);
        stdout.Should().Contain($"Added the 'lumina-http' server to {VsCodeUserFile} (VS Code, every workspace)");
        httpErrors.Should().Contain("lumina keys create").And.Contain("lumina --http");
        var root = ClientRules.VsCode(File.ReadAllText(VsCodeUserFile));
        root["servers"]!["lumina"]!["type"]!.GetValue<string>().Should().Be("stdio");
        root["servers"]!["lumina"]!["args"]!.AsArray().Should().BeEmpty("the user scope adds no root: VS Code sends its workspace folders as MCP roots");
        root["servers"]!["lumina-http"]!["url"]!.GetValue<string>().Should().Be("http://127.0.0.1:5100/mcp");
        root["inputs"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public async Task VsCode_WorkspaceScope_WritesDotVscode_WithTheWorkspaceAsRoot()
    {
        var (exitCode, _, stderr) = await Connect("vscode", "--scope", "workspace", "--write");

        exitCode.Should().Be(0, stderr);
        var root = ClientRules.VsCode(File.ReadAllText(Path.Combine(Project, ".vscode", "mcp.json")));
        root["servers"]!["lumina"]!["args"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Equal("--Lumina:Files:Roots:0=${workspaceFolder}");
        File.Exists(VsCodeUserFile).Should().BeFalse();
    }

    [Fact]
    public async Task Cursor_UserStdio_AndWorkspaceHttp_FollowCursorsFormat()
    {
        var (user, _, userErrors) = await Connect("cursor", "--write");
        var (workspace, _, workspaceErrors) = await Connect("cursor", "--scope", "workspace", "--url", "http://127.0.0.1:8080/mcp", "--write");

        user.Should().Be(0, userErrors);
        workspace.Should().Be(0, workspaceErrors);
        ClientRules.McpServers(File.ReadAllText(Path.Combine(Home, ".cursor", "mcp.json")), typed: false)["mcpServers"]!["lumina"]!["command"].Should().NotBeNull();
        var http = ClientRules.McpServers(File.ReadAllText(Path.Combine(Project, ".cursor", "mcp.json")), typed: false)["mcpServers"]!["lumina-http"]!;
        http["url"]!.GetValue<string>().Should().Be("http://127.0.0.1:8080/mcp");
        http["headers"]!["Authorization"]!.GetValue<string>().Should().Be("Bearer ${env:LUMINA_API_KEY}");
    }

    [Fact]
    public async Task Claude_WorkspaceScope_WritesClaudeCodesProjectFile()
    {
        var (exitCode, stdout, stderr) = await Connect("claude", "--scope", "workspace", "--write");

        exitCode.Should().Be(0, stderr);
        stdout.Should().Contain("Claude Code, this project");
        var lumina = ClientRules.McpServers(File.ReadAllText(Path.Combine(Project, ".mcp.json")), typed: true)["mcpServers"]!["lumina"]!;
        lumina["args"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Equal($"--Lumina:Files:Roots:0={Project}");
    }

    [Fact]
    public async Task WithoutWrite_PrintsAConfigurationAndWritesNothing()
    {
        var (exitCode, stdout, stderr) = await Connect("claude");

        exitCode.Should().Be(0, stderr);
        ClientRules.ClaudeDesktop(stdout)["mcpServers"]!["lumina"].Should().NotBeNull();
        stderr.Should().Contain($"Add this to {ClaudeDesktopFile}").And.Contain("--write");
        Directory.EnumerateFileSystemEntries(Home).Should().BeEmpty();
    }

    [Fact]
    public async Task ToolSet_IsAnArgumentOverStdio_AndItsEndpointOverHttp()
    {
        var (stdio, stdioOut, stdioErrors) = await Connect("vscode", "--toolset", "readonly");
        var (http, httpOut, httpErrors) = await Connect("vscode", "--http", "--toolset", "readonly");

        stdio.Should().Be(0, stdioErrors);
        http.Should().Be(0, httpErrors);
        ClientRules.VsCode(stdioOut)["servers"]!["lumina"]!["args"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Equal("--toolset", "readonly");
        ClientRules.VsCode(httpOut)["servers"]!["lumina-http"]!["url"]!.GetValue<string>().Should().Be("http://127.0.0.1:5100/mcp/readonly");
    }

    [Fact]
    public async Task Inspector_PrintsTheCommandLineThatStartsIt()
    {
        var (exitCode, stdout, stderr) = await Connect("inspector");
        var (http, httpOut, _) = await Connect("inspector", "--http");

        exitCode.Should().Be(0, stderr);
        stdout.Should().StartWith("npx @modelcontextprotocol/inspector /").And.Contain("lumina");
        http.Should().Be(0);
        httpOut.Should().Contain("Streamable HTTP").And.Contain("http://127.0.0.1:5100/mcp").And.Contain("Bearer");
    }

    [Fact]
    public async Task AFileThatIsNotJson_IsRefused_Untouched_NamingIt()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ClaudeDesktopFile)!);
        File.WriteAllText(ClaudeDesktopFile, "{ \"mcpServers\": { \"fetch\": ");

        var (exitCode, stdout, stderr) = await Connect("claude", "--write");

        exitCode.Should().Be(1);
        stderr.Should().Contain($"lumina: {ClaudeDesktopFile} is not valid JSON").And.Contain("left as it is");
        stdout.Should().BeEmpty();
        File.ReadAllText(ClaudeDesktopFile).Should().Be("{ \"mcpServers\": { \"fetch\": ");
        Directory.GetFiles(Path.GetDirectoryName(ClaudeDesktopFile)!).Should().ContainSingle();
    }

    [Fact]
    public async Task ServersThatAreNotAnObject_AreRefused()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(VsCodeUserFile)!);
        File.WriteAllText(VsCodeUserFile, """{"servers":[]}""");

        var (exitCode, _, stderr) = await Connect("vscode", "--write");

        exitCode.Should().Be(1);
        stderr.Should().Contain("'servers' in").And.Contain("is not a JSON object");
        File.ReadAllText(VsCodeUserFile).Should().Be("""{"servers":[]}""");
    }

    [Theory]
    [InlineData(new[] { "zed" }, "zed")]
    [InlineData(new[] { "inspector", "--write" }, "the MCP Inspector has no configuration file")]
    [InlineData(new[] { "claude", "--http" }, "Claude Desktop starts its servers over stdio only")]
    [InlineData(new[] { "vscode", "--scope", "team" }, "team")]
    [InlineData(new[] { "vscode", "--url", "ftp://x/mcp" }, "is not an http:// or https:// address")]
    [InlineData(new[] { "vscode", "--file", "x.json" }, "--file is where --write writes")]
    [InlineData(new[] { "vscode", "--http", "--Lumina:DataDirectory=/x" }, "with --http give them to 'lumina --http'")]
    [InlineData(new[] { "vscode", "--url", "http://127.0.0.1:5100/mcp", "--toolset", "x" }, "--toolset with --url")]
    [InlineData(new[] { "cursor", "--name", "my server" }, "--name 'my server'")]
    [InlineData(new string[0], "lumina: ")]
    public async Task UsageErrors_ExitTwo_AndWriteNothing(string[] arguments, string message)
    {
        var (exitCode, stdout, stderr) = await Connect(arguments);

        exitCode.Should().Be(2, stdout);
        stderr.Should().Contain(message);
        Directory.EnumerateFileSystemEntries(Home).Should().BeEmpty();
    }

    [Fact]
    public async Task Help_NamesTheClientsAndOptions()
    {
        var (exitCode, stdout, _) = await Connect("--help");
        var (_, rootHelp, _) = await LuminaProcess.RunAsync("--help");

        exitCode.Should().Be(0);
        stdout.Should().Contain("lumina connect <client> [options]").And.ContainAll("--http", "--scope <user|workspace>", "--write", "--url <URL>", "--file <path>");
        rootHelp.Should().Contain("connect").And.Contain("lumina connect claude --write");
    }
}
