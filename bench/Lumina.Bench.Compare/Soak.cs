using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Lumina.Bench.Compare;

/// <summary>
/// The soak: a paced HTTP load on one server (Lumina unless told otherwise) for a bounded time, RSS sampled at a fixed interval. A leak shows as a
/// slope that stays positive after the start-up growth, so growth is judged on the second half of the series.
/// </summary>
internal static class Soak
{
    /// <summary>Each worker renews its session this often, so session creation and expiry are soaked too.</summary>
    private static readonly TimeSpan SessionLife = TimeSpan.FromSeconds(60);

    public static async Task<(string Markdown, bool Grew)> RunAsync(ServerSpec target, BenchOptions options, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var server = await ServerProcess.StartHttpAsync(target, cancellationToken);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, UseProxy = false };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);

        var clock = Stopwatch.StartNew();
        var samples = new List<(double Minutes, double RssMiB, long Calls)>();
        long calls = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Enumerable.Range(0, options.SoakConcurrency).Select(w => Task.Run(() => WorkerAsync(w), stop.Token)).ToArray();
        samples.Add((0, server.RssMiB(), 0));
        Console.Error.WriteLine($"soak: {target.Name} HTTP {(options.SoakStateless ? "2026-07-28 stateless" : "2025-11-25 sessions")}, {options.SoakConcurrency} workers, {(options.SoakRate > 0 ? $"{options.SoakRate:0} calls/s" : "unpaced")}, {duration.TotalMinutes:0.#} min, RSS every {options.SoakInterval.TotalSeconds:0} s");
        Console.Error.WriteLine($"  {"time",6}  {"RSS MiB",8}  {"calls",10}");
        Console.Error.WriteLine($"  {"0:00",6}  {samples[0].RssMiB,8:0.0}  {0,10}");
        try
        {
            while (clock.Elapsed < duration)
            {
                var next = options.SoakInterval * samples.Count;
                var wait = (next < duration ? next : duration) - clock.Elapsed;
                await Task.WhenAny(Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, cancellationToken), Task.WhenAny(workers));
                var failed = workers.FirstOrDefault(w => w.IsFaulted);
                if (failed is not null)
                {
                    await failed;
                }

                if (server.HasExited)
                {
                    throw server.Failure("exited during the soak");
                }

                var sample = (clock.Elapsed.TotalMinutes, server.RssMiB(), Interlocked.Read(ref calls));
                samples.Add(sample);
                Console.Error.WriteLine($"  {clock.Elapsed:m\\:ss}  {sample.Item2,8:0.0}  {sample.Item3,10}");
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await Task.WhenAll(workers);
            }
            catch (OperationCanceledException)
            {
                // The workers stop by cancellation.
            }
        }

        return Summarise(target, samples, options, duration);

        async Task WorkerAsync(int worker)
        {
            // Pacing: each worker has its share of the rate; a worker behind schedule does not burst to catch up.
            var interval = options.SoakRate > 0 ? TimeSpan.FromSeconds(options.SoakConcurrency / options.SoakRate) : TimeSpan.Zero;
            var seq = 0L;
            while (!stop.IsCancellationRequested)
            {
                var session = new HttpMcpSession(http, server.Endpoint!, target.Name, server.AccessToken, options.SoakStateless);
                await session.InitializeAsync(stop.Token);
                var renew = clock.Elapsed + SessionLife;
                var due = clock.Elapsed;
                try
                {
                    while (!stop.IsCancellationRequested && clock.Elapsed < renew)
                    {
                        await session.EchoAsync($"s{worker}-{seq++}", stop.Token);
                        Interlocked.Increment(ref calls);
                        due += interval;
                        var ahead = due - clock.Elapsed;
                        if (ahead > TimeSpan.Zero)
                        {
                            await Task.Delay(ahead, stop.Token);
                        }
                        else
                        {
                            due = clock.Elapsed;
                        }
                    }
                }
                finally
                {
                    if (!stop.IsCancellationRequested)
                    {
                        await session.CloseAsync(stop.Token);
                    }
                }
            }
        }
    }

    private static (string Markdown, bool Grew) Summarise(ServerSpec target, List<(double Minutes, double RssMiB, long Calls)> samples, BenchOptions options, TimeSpan duration)
    {
        var inv = CultureInfo.InvariantCulture;
        var loaded = samples.Skip(1).ToList();
        var secondHalf = loaded.Where(s => s.Minutes >= duration.TotalMinutes / 2).ToList();
        var slopeAll = Stats.Slope([.. loaded.Select(s => (s.Minutes, s.RssMiB))]);
        var slopeHalf = Stats.Slope([.. secondHalf.Select(s => (s.Minutes, s.RssMiB))]);
        // A leak keeps climbing; a heap that resizes once in a step does not. Growth needs both a slope above the limit
        // and a rise over the second half of more than 5 % of its level.
        var halfMinutes = secondHalf.Count > 1 ? secondHalf[^1].Minutes - secondHalf[0].Minutes : 0;
        var rise = slopeHalf * halfMinutes;
        var grew = !double.IsNaN(slopeHalf) && slopeHalf > options.SoakMaxSlope && rise > 0.05 * secondHalf.Average(s => s.RssMiB);
        var total = samples[^1].Calls;
        var md = new StringBuilder();
        md.AppendLine(inv, $"Soak: {target.Name} over streamable HTTP{(target.BearerToken ? " with a bearer token" : "")}, {options.SoakConcurrency} workers, {(options.SoakRate > 0 ? $"paced at {options.SoakRate:0} calls/s" : "unpaced")}, {(options.SoakStateless ? "stateless 2026-07-28 requests" : $"2025-11-25 sessions renewed every {SessionLife.TotalSeconds:0} s")}, {duration.TotalMinutes:0.#} min, {total:#,0} checked calls ({total / Math.Max(samples[^1].Minutes * 60, 1e-9):0}/s).");
        md.AppendLine();
        md.AppendLine("| time | RSS | calls |");
        md.AppendLine("|---:|---:|---:|");
        foreach (var (minutes, rss, count) in samples)
        {
            md.AppendLine(inv, $"| {TimeSpan.FromMinutes(minutes):m\\:ss} | {rss:0.0} MiB | {count:#,0} |");
        }

        md.AppendLine();
        md.AppendLine(inv, $"RSS: idle {samples[0].RssMiB:0.0} MiB, min under load {loaded.Min(s => s.RssMiB):0.0} MiB, max {loaded.Max(s => s.RssMiB):0.0} MiB, last {samples[^1].RssMiB:0.0} MiB.");
        md.AppendLine(inv, $"Slope: {slopeAll:+0.00;-0.00} MiB/min over the whole load, {slopeHalf:+0.00;-0.00} MiB/min over the second half, a rise of {rise:0.0} MiB there (growth = slope above {options.SoakMaxSlope:0.##} MiB/min and a rise above 5 %).");
        md.AppendLine(grew ? "**GROWTH: resident memory still climbs in the second half — a leak to investigate.**" : "Resident memory flat in the second half: no leak seen.");
        return (md.ToString(), grew);
    }
}
