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
/// A hundred crashes and restarts of upstreams (a class of its own, so it runs beside the others).
/// </summary>
public sealed class FederationCrashTests
{
    [Fact]
    public async Task AHundredCrashes_LeaveOneProcessPerUpstream_AndNoneOutlivesTheHost()
    {
        // Ten upstreams crashed ten times each, all at once: a hundred restarts in the time of ten.
        const int Servers = 10;
        const int Cycles = 10;
        var names = Enumerable.Range(0, Servers).Select(i => $"crash{i}").ToArray();
        var host = await HttpHost.StartAsync(
        [
            "--Lumina:Auth:AnonymousRole=user",
            .. names.SelectMany(n => new[]
            {
                $"--Lumina:Servers:{n}:Command=node", $"--Lumina:Servers:{n}:Args:0={LuminaProcess.RugPullServer}", $"--Lumina:Servers:{n}:Args:1={n}", $"--Lumina:Servers:{n}:Start=eager",
            }),
        ]);
        int[] children;
        try
        {
            await using var client = await ConnectAsync(host);
            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                await Task.WhenAll(names.Select(n => UntilAsync(() => client.CallToolAsync($"{n}_time").AsTask(), r => r.IsError != true)));
                var running = new List<int[]>();
                foreach (var name in names)
                {
                    running.Add(await UntilAsync(() => Task.FromResult(Descendants(host.Process.Id).Where(pid => IsUpstream(pid, name)).ToArray()), found => found.Length == 1));
                }

                running.Should().OnlyContain(found => found.Length == 1, "cycle {0}: each upstream runs one process", cycle);
                foreach (var found in running)
                {
                    Process.GetProcessById(found[0]).Kill();
                }
            }

            var back = await Task.WhenAll(names.Select(n => UntilAsync(() => client.CallToolAsync($"{n}_time", new Dictionary<string, object?> { ["city"] = n }).AsTask(), r => r.IsError != true)));
            children = [.. Descendants(host.Process.Id)];

            back.Select(Text).Should().Equal(names.Select(n => $"time in {n}: fine"));
            names.Select(n => children.Count(pid => IsUpstream(pid, n))).Should().OnlyContain(count => count == 1, "a hundred restarts left one process per upstream, not more");
        }
        finally
        {
            (await host.StopAsync()).Should().Be(0);
            await host.DisposeAsync();
        }

        children.Where(pid => Directory.Exists($"/proc/{pid}")).Should().BeEmpty("no upstream process outlives the host");
    }
}
