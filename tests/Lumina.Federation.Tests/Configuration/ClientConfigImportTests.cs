using Lumina.Core;
using Lumina.Federation.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Federation.Tests.Configuration;

/// <summary>The client configuration files people already have, read into Lumina:Servers.</summary>
public sealed class ClientConfigImportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lumina-import-").FullName;
    private readonly Dictionary<string, string?> _environment = new() { ["HOME"] = "/home/ada", ["GITHUB_TOKEN"] = "ghp_secret" };

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ClaudeDesktop_ServersBecomeLuminaSettings()
    {
        var (settings, ignored) = Read("""
            {
              "mcpServers": {
                "filesystem": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "${userHome}/Desktop"] },
                "github": { "command": "docker", "args": ["run", "-i", "--rm", "ghcr.io/github/github-mcp-server"], "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "${env:GITHUB_TOKEN}" } }
              },
              "globalShortcut": "Ctrl+Space"
            }
            """);

        settings.Should().BeEquivalentTo(new Dictionary<string, string?>
        {
            ["Lumina:Servers:filesystem:Command"] = "npx",
            ["Lumina:Servers:filesystem:Args:0"] = "-y",
            ["Lumina:Servers:filesystem:Args:1"] = "@modelcontextprotocol/server-filesystem",
            ["Lumina:Servers:filesystem:Args:2"] = "/home/ada/Desktop",
            ["Lumina:Servers:github:Command"] = "docker",
            ["Lumina:Servers:github:Args:0"] = "run",
            ["Lumina:Servers:github:Args:1"] = "-i",
            ["Lumina:Servers:github:Args:2"] = "--rm",
            ["Lumina:Servers:github:Args:3"] = "ghcr.io/github/github-mcp-server",
            ["Lumina:Servers:github:Env:GITHUB_PERSONAL_ACCESS_TOKEN"] = "ghp_secret",
        });
        ignored.Should().ContainSingle().Which.Should().Contain("globalShortcut");
    }

    [Fact]
    public void CursorAndWindsurf_RemoteServersBecomeUrls()
    {
        var (settings, _) = Read("""{ "mcpServers": { "docs": { "url": "https://mcp.example.com/mcp", "headers": { "X-Key": "k" } }, "wind": { "serverUrl": "https://w.example.com/mcp" } } }""");

        settings["Lumina:Servers:docs:Url"].Should().Be("https://mcp.example.com/mcp");
        settings["Lumina:Servers:docs:Headers:X-Key"].Should().Be("k");
        settings["Lumina:Servers:wind:Url"].Should().Be("https://w.example.com/mcp");
    }

    [Fact]
    public void VsCode_WithCommentsTrailingCommasInputsAndAnEnvFile()
    {
        File.WriteAllText(Path.Combine(_directory, "dev.env"), "# local\nDB_HOST=localhost\nDB_PASSWORD=\"from-file\"\n");
        var (settings, ignored) = Read(
            """
            // .vscode/mcp.json
            {
              "inputs": [ { "type": "promptString", "id": "db-password", "description": "Database password", "password": true }, ],
              "servers": {
                "db": { "type": "stdio", "command": "db-mcp", "args": ["--verbose",], "envFile": "dev.env", "env": { "DB_PASSWORD": "${input:db-password}" }, "dev": { "watch": "src/**" } },
                "remote": { "type": "http", "url": "https://api.example.com/mcp" },
              },
            }
            """,
            inputs: new Dictionary<string, string> { ["db-password"] = "from-input" });

        settings["Lumina:Servers:db:Command"].Should().Be("db-mcp");
        settings["Lumina:Servers:db:Env:DB_HOST"].Should().Be("localhost");
        settings["Lumina:Servers:db:Env:DB_PASSWORD"].Should().Be("from-input", "an explicit env wins over the env file");
        settings["Lumina:Servers:remote:Url"].Should().Be("https://api.example.com/mcp");
        ignored.Should().ContainSingle().Which.Should().Contain("'dev'");
    }

    [Fact]
    public void VsCodeSettings_UnderMcp_AreReadToo()
    {
        var (settings, _) = Read("""{ "editor.fontSize": 14, "mcp": { "servers": { "time": { "command": "uvx", "args": ["mcp-server-time"] } } } }""");

        settings["Lumina:Servers:time:Command"].Should().Be("uvx");
    }

    [Theory]
    [InlineData("""{ "mcpServers": { "x": { "command": "${env:NOT_SET}" } } }""", "environment variable NOT_SET")]
    [InlineData("""{ "servers": { "x": { "command": "c", "env": { "P": "${input:pw}" } } }, "inputs": [ { "id": "pw", "description": "The password" } ] }""", "input 'pw' (The password)*Lumina:Servers:Inputs:pw")]
    [InlineData("""{ "servers": { "x": { "command": "${workspaceFolder}/run" } } }""", "${workspaceFolder}")]
    [InlineData("""{ "mcpServers": { "x": { "args": ["a"] } } }""", "'x' has neither a command nor a url")]
    [InlineData("""{ "mcpServers": { "a b": { "command": "c" }, "a_b": { "command": "d" } } }""", "'a b' and 'a_b' would both be named 'a_b'")]
    [InlineData("""{ "other": 1 }""", "no 'mcpServers'")]
    [InlineData("""{ "mcpServers": { "inputs": { "command": "c" } } }""", "name Lumina reserves")]
    [InlineData("""[1, 2]""", "not a JSON object")]
    [InlineData("""{ "mcpServers": { """, "is not JSON")]
    public void WhatCannotBeUsed_IsAnErrorNamingTheFileAndWhy(string json, string message)
    {
        var read = () => Read(json);

        read.Should().Throw<LuminaStartupException>().WithMessage($"*{Path.Combine(_directory, "client.json")}*").WithMessage($"*{message}*");
    }

    [Fact]
    public void AMissingFile_IsAnErrorNamingIt()
    {
        var read = () => ClientConfigImport.Read(Path.Combine(_directory, "nope.json"), _ => null, new Dictionary<string, string>());

        read.Should().Throw<LuminaStartupException>().WithMessage("*nope.json*");
    }

    [Fact]
    public void ImportedServers_JoinLuminasOwn_WhichWinSettingBySetting()
    {
        var file = Path.Combine(_directory, "claude.json");
        File.WriteAllText(file, """{ "mcpServers": { "time": { "command": "uvx", "args": ["mcp-server-time"] }, "docs": { "url": "https://a.example.com/mcp" } } }""");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lumina:Servers:Import:0"] = file,
            ["Lumina:Servers:docs:Url"] = "https://mine.example.com/mcp",
            ["Lumina:Servers:docs:Start"] = "eager",
        }).Build();

        var servers = FederationServiceCollectionExtensions.Read(FederationServiceCollectionExtensions.WithImports(configuration, out var ignored));

        servers.Select(s => s.Name).Should().Equal("docs", "time");
        servers.Single(s => s.Name == "docs").Options.Url.Should().Be(new Uri("https://mine.example.com/mcp"));
        servers.Single(s => s.Name == "time").Options.Args.Should().Equal("mcp-server-time");
        ignored.Should().BeEmpty();
    }

    private (IReadOnlyDictionary<string, string?> Settings, IReadOnlyList<string> Ignored) Read(string json, Dictionary<string, string>? inputs = null)
    {
        var path = Path.Combine(_directory, "client.json");
        File.WriteAllText(path, json);
        return ClientConfigImport.Read(path, name => _environment.GetValueOrDefault(name), inputs ?? []);
    }
}
