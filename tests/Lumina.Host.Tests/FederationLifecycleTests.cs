using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using static Lumina.Host.Tests.Federation;

namespace Lumina.Host.Tests;

/// <summary>
/// Upstreams that break, die or serve each caller alone: clear errors, restarts, and no process left behind.
/// </summary>
public sealed class FederationLifecycleTests
{
    [Fact]
    public async Task BrokenUpstreams_AreReportedClearly_AndTheHostServesTheRest()
    {
        await using var host = await HttpHost.StartAsync(
        [
            .. Everything,
            "--Lumina:Auth:AnonymousRole=user",
            // Prints garbage where MCP should be, and never answers initialize.
            "--Lumina:Servers:garbage:Command=sh", "--Lumina:Servers:garbage:Args:0=-c", "--Lumina:Servers:garbage:Args:1=echo 'this is not json'; sleep 600",
            "--Lumina:Servers:garbage:Timeout=00:00:03",
            "--Lumina:Servers:silent:Command=sleep", "--Lumina:Servers:silent:Args:0=600", "--Lumina:Servers:silent:Timeout=00:00:03",
            "--Lumina:Servers:missing:Command=/nonexistent/mcp-server",
        ]);
        await using var client = await ConnectAsync(host);

        var listed = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
        var echo = await client.CallToolAsync("everything_echo", new Dictionary<string, object?> { ["message"] = "still here" });

        listed.Should().Contain("everything_echo").And.NotContain(n => n.StartsWith("garbage_", StringComparison.Ordinal) || n.StartsWith("silent_", StringComparison.Ordinal));
        echo.IsError.Should().NotBe(true);
        (await host.WaitForLogLineAsync(l => l.Contains("Upstream server silent could not be connected", StringComparison.Ordinal))).Should().Contain("did not finish connecting");
        (await host.WaitForLogLineAsync(l => l.Contains("Upstream server missing could not be connected", StringComparison.Ordinal))).Should().NotBeEmpty();
        (await host.WaitForLogLineAsync(l => l.Contains("Upstream server garbage could not be connected", StringComparison.Ordinal))).Should().NotBeEmpty();

        using var http = new HttpClient();
        var ready = JsonDocument.Parse(await http.GetStringAsync(new Uri(host.BaseAddress, "/readyz"))).RootElement;
        var described = await client.CallToolAsync("system_describe");

        ready.GetProperty("status").GetString().Should().Be("degraded");
        ready.GetProperty("reason").GetString().Should().Contain("silent").And.Contain("missing").And.Contain("everything else");
        var system = string.Concat(described.Content.OfType<TextContentBlock>().Select(t => t.Text));
        system.Should().Contain("everything").And.Contain("connected").And.Contain("failed");
    }

    [Fact]
    public async Task AnUpstreamThatDies_FailsItsCallsNamingIt_ThenComesBack_AndNoProcessOutlivesTheHost()
    {
        var host = await HttpHost.StartAsync([.. Everything, "--Lumina:Auth:AnonymousRole=user", "--Lumina:Servers:everything:Start=eager"]);
        int[] children;
        try
        {
            await using var client = await ConnectAsync(host);
            var first = await UntilAsync(() => Task.FromResult(Descendants(host.Process.Id).Where(IsReferenceServer).ToArray()), found => found.Length == 1);
            (await client.CallToolAsync("everything_echo", new Dictionary<string, object?> { ["message"] = "one" })).IsError.Should().NotBe(true);

            Process.GetProcessById(first[0]).Kill();
            var broken = await client.CallToolAsync("everything_echo", new Dictionary<string, object?> { ["message"] = "two" });
            var back = await UntilAsync(
                async () => await client.CallToolAsync("everything_echo", new Dictionary<string, object?> { ["message"] = "three" }),
                result => result.IsError != true);

            broken.IsError.Should().BeTrue();
            broken.Content.OfType<TextContentBlock>().Single().Text.Should().Contain("'everything'");
            back.Content.OfType<TextContentBlock>().Single().Text.Should().Be("Echo: three");
            children = [.. Descendants(host.Process.Id)];
            children.Count(IsReferenceServer).Should().Be(1, "the dead server was replaced by one, not more");
        }
        finally
        {
            (await host.StopAsync()).Should().Be(0);
            await host.DisposeAsync();
        }

        children.Where(pid => Directory.Exists($"/proc/{pid}")).Should().BeEmpty("no upstream process outlives the host");
    }

    [Fact]
    public async Task PerCaller_EachCallerGetsAProcessOfTheirOwn_ClosedWhenIdle_AndNoneOutlivesTheHost()
    {
        var host = await HttpHost.StartAsync(
            HttpAuth.SigningKeyArgument,
            "--Lumina:Servers:mine:Command=node", $"--Lumina:Servers:mine:Args:0={LuminaProcess.RugPullServer}", "--Lumina:Servers:mine:Args:1=mine",
            "--Lumina:Servers:mine:PerCaller=true", "--Lumina:Servers:mine:IdleTimeout=00:00:10", "--Lumina:Servers:mine:MaxConnections=2");
        int[] children;
        try
        {
            using var http = new HttpClient();
            var clients = new List<McpClient>();
            foreach (var user in new[] { "alice", "bob", "carol" })
            {
                await HttpAuth.AddUserAsync(host.DataDirectory, user, "user");
                clients.Add(await HttpAuth.McpClientAsync(host, await HttpAuth.PasswordTokenAsync(http, host, user), new McpClientOptions { ProtocolVersion = "2025-11-25" }));
            }

            int Running() => Descendants(host.Process.Id).Count(pid => IsUpstream(pid, "mine"));
            await using var alice = clients[0];
            await using var bob = clients[1];
            await using var carol = clients[2];

            var first = await alice.CallToolAsync("mine_time", new Dictionary<string, object?> { ["city"] = "Oslo" });
            var second = await alice.CallToolAsync("mine_time", new Dictionary<string, object?> { ["city"] = "Rome" });
            var bobs = await bob.CallToolAsync("mine_time", new Dictionary<string, object?> { ["city"] = "Lima" });
            var three = Running();
            var refused = await carol.CallToolAsync("mine_time", new Dictionary<string, object?> { ["city"] = "Kyiv" });
            var idle = await UntilAsync(() => Task.FromResult(Running()), count => count == 1);
            var carolsLater = await carol.CallToolAsync("mine_time", new Dictionary<string, object?> { ["city"] = "Kyiv" });
            children = [.. Descendants(host.Process.Id)];

            new[] { first, second, bobs, carolsLater }.Select(Text).Should().Equal("time in Oslo: fine", "time in Rome: fine", "time in Lima: fine", "time in Kyiv: fine");
            three.Should().Be(3, "one shared connection lists the tools, and alice and bob each have their own");
            refused.IsError.Should().BeTrue();
            Text(refused).Should().Contain("MaxConnections");
            idle.Should().Be(1, "the callers' connections close when idle");
            children.Count(pid => IsUpstream(pid, "mine")).Should().Be(2, "carol's connection was made once the others closed");
        }
        finally
        {
            (await host.StopAsync()).Should().Be(0);
            await host.DisposeAsync();
        }

        children.Where(pid => Directory.Exists($"/proc/{pid}")).Should().BeEmpty("no upstream process outlives the host");
    }
}
