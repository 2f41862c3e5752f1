using System.Text.Json;
using Lumina.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>
/// The exec plugin in the real host over stdio: served where the sandbox works, behind the execute permission and the
/// policy guard, blind to the host's environment and data directory, not served (and saying why) where the sandbox
/// does not work, and the host serving other calls while a run misbehaves.
/// </summary>
public sealed class ExecHostTests : IDisposable
{
    private const string Secret = "sk-exec-host-canary-51d2";

    private readonly TempDirectory _data = new();
    private readonly List<string> _stderr = [];

    public void Dispose() => _data.Dispose();

    private async Task<McpClient> StartAsync(string role = "user", params string[] settings) => await McpClient.CreateAsync(
        new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = "dotnet",
            Arguments = LuminaProcess.IsolatedArguments(_data.Path, ["--Lumina:Policy:AllowDestructiveWithoutConfirmation=true", .. settings]),
            EnvironmentVariables = new Dictionary<string, string?>
            {
                ["Lumina__Auth__LocalRole"] = role,
                ["OPENAI_API_KEY"] = Secret,
                ["ANTHROPIC_API_KEY"] = Secret,
                ["Lumina__Exec__Canary"] = Secret,
            },
            StandardErrorLines = line =>
            {
                lock (_stderr)
                {
                    _stderr.Add(line);
                }
            },
        }),
        new McpClientOptions { ProtocolVersion = "2025-11-25" });

    private static async Task<JsonElement> RunAsync(McpClient client, Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync("exec_run", arguments);
        result.IsError.Should().NotBe(true, string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text)));
        return result.StructuredContent is { } structured
            ? structured.Clone()
            : JsonDocument.Parse(result.Content.OfType<TextContentBlock>().Single().Text).RootElement.Clone();
    }

    [Fact]
    public async Task ExecRun_RunsInTheSandbox_WithoutTheHostsSecretsOrData()
    {
        await using var client = await StartAsync();

        var tool = (await client.ListToolsAsync()).Single(t => t.Name == "exec_run");
        var run = await RunAsync(client, new() { ["command"] = $"echo hello; env; id -u; ls {_data.Path} 2>&1; cat /etc/shadow 2>&1; exit 3" });

        tool.ProtocolTool.Annotations!.DestructiveHint.Should().BeTrue();
        tool.ProtocolTool.Annotations.OpenWorldHint.Should().BeTrue();
        var stdout = run.GetProperty("stdout").GetString()!;
        stdout.Should().StartWith("hello\n").And.Contain("65534").And.Contain("No such file or directory");
        stdout.Should().NotContain(Secret).And.NotContain("Lumina__");
        run.GetProperty("exitCode").GetInt32().Should().Be(3);
    }

    [Fact]
    public async Task ExecRun_Guest_IsForbidden()
    {
        await using var client = await StartAsync("guest");

        var tools = (await client.ListToolsAsync()).Select(t => t.Name);
        var result = await client.CallToolAsync("exec_run", new Dictionary<string, object?> { ["command"] = "echo no" });

        tools.Should().NotContain("exec_run");
        result.IsError.Should().BeTrue();
        result.Content.OfType<TextContentBlock>().Single().Text.Should().StartWith("Forbidden: ").And.Contain("execute");
    }

    [Fact]
    public async Task ForkBomb_HostKeepsServingDuringAndAfter()
    {
        await using var client = await StartAsync();

        var bomb = RunAsync(client, new() { ["command"] = "bomb() { bomb | bomb & }; bomb; sleep 30", ["timeout"] = 4 });
        var during = await client.CallToolAsync("time_now", new Dictionary<string, object?>());
        var stopped = await bomb;
        var after = await RunAsync(client, new() { ["command"] = "echo after" });

        during.IsError.Should().NotBe(true);
        stopped.GetProperty("stopped").GetString().Should().Be("timeout");
        after.GetProperty("stdout").GetString().Should().Be("after\n");
    }

    [Fact]
    public async Task CodeMode_CallsTheCallersTools_AndTheFilterRefusesTheOthers()
    {
        await using var client = await StartAsync();

        var run = await RunAsync(client, new()
        {
            ["language"] = "js",
            ["code"] = """
                const now = await tools.time_now({});
                let refused = null;
                try { await tools.call('federation_servers', {}); } catch (e) { refused = e.message; }
                return { now: typeof now, refused, visible: tools.list().some(t => t.name === 'federation_servers') };
                """,
        });

        var result = run.GetProperty("result");
        result.GetProperty("refused").GetString().Should().StartWith("Forbidden: ");
        result.GetProperty("visible").GetBoolean().Should().BeFalse("a script sees only the caller's tools");
        run.GetProperty("toolCalls").GetInt32().Should().Be(2);
    }

    [Fact]
    public async Task NoSandbox_ExecIsNotServed_AndTheLogSaysWhy()
    {
        await using var client = await StartAsync("user", "--Lumina:Exec:BubblewrapPath=/nonexistent/bwrap");

        var tools = (await client.ListToolsAsync()).Select(t => t.Name);

        tools.Should().NotContain("exec_run").And.Contain("time_now");
        var said = await Eventually.WaitAsync(() =>
        {
            lock (_stderr)
            {
                return _stderr.Any(l => l.Contains("exec_run is not served", StringComparison.Ordinal) && l.Contains("/nonexistent/bwrap", StringComparison.Ordinal));
            }
        });
        said.Should().BeTrue("the start-up log says why exec_run is not served");
    }

    [Fact]
    public async Task Unconfirmed_DestructiveRun_IsDeclinedWhenTheClientCannotAsk()
    {
        await using var client = await StartAsync("user", "--Lumina:Policy:AllowDestructiveWithoutConfirmation=false");

        var result = await client.CallToolAsync("exec_run", new Dictionary<string, object?> { ["command"] = "echo should-not-run" });

        result.IsError.Should().BeTrue();
        var text = result.Content.OfType<TextContentBlock>().Single().Text;
        text.Should().Contain("AllowDestructiveWithoutConfirmation").And.NotContain("should-not-run\n");
    }
}
