using System.Diagnostics;

namespace Lumina.Bench.Compare;

/// <summary>What one server scored over all rounds.</summary>
internal sealed class ServerResults(ServerSpec spec)
{
    public ServerSpec Spec { get; } = spec;

    public List<double> ColdStartMs { get; } = [];

    public List<double> StdioRates { get; } = [];

    public List<long> StdioTicks { get; } = [];

    public List<double> StdioIdleRss { get; } = [];

    public List<double> StdioLoadRss { get; } = [];

    public Dictionary<HttpPhase, List<double>> HttpRates { get; } = [];

    public Dictionary<HttpPhase, List<long>> HttpTicks { get; } = [];

    public double HttpIdleRss { get; set; } = double.NaN;

    public double HttpLoadRss { get; set; } = double.NaN;
}

/// <summary>An HTTP phase: the protocol era (2025-11-25 with a session per worker, or 2026-07-28 stateless) and the concurrency.</summary>
internal readonly record struct HttpPhase(bool Stateless, int Concurrency)
{
    public string Era => Stateless ? $"{JsonRpc.StatelessProtocolVersion} stateless" : $"{JsonRpc.ProtocolVersion} sessions";

    public override string ToString() => $"{Era}, c={Concurrency}";
}

/// <summary>A measured stretch of calls: how many per second and each call's latency in Stopwatch ticks.</summary>
internal sealed record LoadSample(double PerSecond, List<long> Ticks);

/// <summary>The measurements: cold start, sequential stdio calls, HTTP load at a given concurrency.</summary>
internal static class Measurements
{
    /// <summary>Spawn to the first tools/list reply: the process start, the handshake and the first list all count.</summary>
    public static async Task<double> ColdStartAsync(ServerSpec spec, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        await using var server = ServerProcess.StartStdio(spec);
        var client = new StdioClient(server);
        await client.HandshakeAsync(cancellationToken);
        await client.ToolsListAsync(cancellationToken);
        return Stats.TicksToMilliseconds(Stopwatch.GetTimestamp() - start);
    }

    /// <summary>One stdio process: idle RSS after the handshake, sequential echo calls, RSS after them.</summary>
    public static async Task StdioAsync(ServerResults results, TimeSpan warmup, TimeSpan duration, TimeSpan settle, CancellationToken cancellationToken)
    {
        await using var server = ServerProcess.StartStdio(results.Spec);
        var client = new StdioClient(server);
        await client.HandshakeAsync(cancellationToken);
        await client.ToolsListAsync(cancellationToken);
        await Task.Delay(settle, cancellationToken);
        results.StdioIdleRss.Add(server.RssMiB());
        var load = await RunAsync(1, warmup, duration, (_, message, ct) => client.EchoAsync(message, ct), cancellationToken);
        results.StdioLoadRss.Add(server.RssMiB());
        results.StdioRates.Add(load.PerSecond);
        results.StdioTicks.AddRange(load.Ticks);
    }

    /// <summary>
    /// HTTP load on a running server: in the 2025-11-25 era one session per worker, reused for every call, closed at the
    /// end; stateless (2026-07-28) no session at all. The server's access token, if it has one, goes on every request.
    /// </summary>
    public static async Task<LoadSample> HttpAsync(ServerProcess server, HttpPhase phase, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        var concurrency = phase.Concurrency;
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AllowAutoRedirect = false,
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var sessions = new HttpMcpSession[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            sessions[i] = new HttpMcpSession(http, server.Endpoint!, server.Spec.Name, server.AccessToken, phase.Stateless);
            await sessions[i].InitializeAsync(cancellationToken);
        }

        try
        {
            return await RunAsync(concurrency, warmup, duration, (worker, message, ct) => sessions[worker].EchoAsync(message, ct), cancellationToken);
        }
        finally
        {
            foreach (var session in sessions)
            {
                try
                {
                    await session.CloseAsync(cancellationToken);
                }
                catch (HttpRequestException)
                {
                    // Best effort: a server that failed mid-load must not hide the failure that stopped the run.
                }
            }
        }
    }

    /// <summary>
    /// Closed-loop load: each worker calls, waits for the checked reply, calls again. Calls started during the warm-up are
    /// not recorded; the rate is the recorded calls over the time from the end of the warm-up to the last reply.
    /// </summary>
    public static async Task<LoadSample> RunAsync(
        int workers, TimeSpan warmup, TimeSpan duration, Func<int, string, CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        var begin = Stopwatch.GetTimestamp();
        var measureStart = begin + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var measureEnd = measureStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perWorker = new List<long>[workers];
        var lastReply = new long[workers];
        var tasks = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            var worker = w;
            perWorker[w] = new List<long>(100_000);
            tasks[w] = Task.Run(async () =>
            {
                var samples = perWorker[worker];
                for (var seq = 0L; ; seq++)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    if (t0 >= measureEnd)
                    {
                        break;
                    }

                    await call(worker, $"w{worker}-{seq}", cancellationToken);
                    var t1 = Stopwatch.GetTimestamp();
                    if (t0 >= measureStart)
                    {
                        samples.Add(t1 - t0);
                        lastReply[worker] = t1;
                    }
                }
            }, cancellationToken);
        }

        await Task.WhenAll(tasks);
        var all = perWorker.SelectMany(s => s).ToList();
        all.Sort();
        var elapsed = lastReply.Max() - measureStart;
        return new LoadSample(elapsed <= 0 ? 0 : all.Count * (double)Stopwatch.Frequency / elapsed, all);
    }
}
