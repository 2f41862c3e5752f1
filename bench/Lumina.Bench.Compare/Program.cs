using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Lumina.Bench.Compare;

// Lumina side by side with the bare MCP C# SDK, the TypeScript reference server and a raw ASP.NET Core floor; every
// server on 127.0.0.1, measured in one run with the servers interleaved (A, B, C, D, A, B, C, D …) so that the noise of
// a shared machine falls on all of them alike. Progress goes to stderr, the table to stdout and to a markdown file.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync($"compare: {ex.Message}\n\n{BenchOptions.Usage}");
    return 2;
}

if (options.Help)
{
    await Console.Out.WriteAsync(BenchOptions.Usage);
    return 0;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var scratch = Directory.CreateTempSubdirectory("lumina-bench-");
try
{
    var paths = new BenchPaths(options.Root ?? BenchPaths.FindRoot(), scratch.FullName);
    paths.Check(options.ReadyToRun);
    var outDir = options.Out ?? Path.Combine(paths.Root, "bench", "results");
    Directory.CreateDirectory(outDir);
    var stamp = DateTime.UtcNow;
    if (options.Soak is { } soakDuration)
    {
        var target = options.SoakServer == "lumina" ? ServerSpec.All(paths)[0] : ServerSpec.All(paths, options.SoakServer == "bare-store")[1];
        var soak = await Soak.RunAsync(target, options, soakDuration, cancel.Token);
        var soakFile = Path.Combine(outDir, $"soak-{stamp:yyyyMMdd-HHmm}{(options.SoakServer == "lumina" ? "" : "-" + options.SoakServer)}.md");
        await File.WriteAllTextAsync(soakFile, Header(paths, options, stamp, "soak") + soak.Markdown);
        await Console.Out.WriteLineAsync(soak.Markdown);
        await Console.Out.WriteLineAsync($"written to {Path.GetRelativePath(paths.Root, soakFile)}");
        return soak.Grew ? 1 : 0;
    }

    var (results, readyToRun) = await RunAsync(paths, options, cancel.Token);
    var (table, missed) = Report.Build(results, readyToRun, options.HighConcurrency);
    var file = Path.Combine(outDir, $"compare-{stamp:yyyyMMdd-HHmm}{(options.Quick ? "-quick" : "")}{(options.BareEventStore ? "-bare-store" : "")}.md");
    await File.WriteAllTextAsync(file, Header(paths, options, stamp, "compare") + table);
    await Console.Out.WriteLineAsync();
    await Console.Out.WriteLineAsync(table);
    await Console.Out.WriteLineAsync($"written to {Path.GetRelativePath(paths.Root, file)}");
    // Missed targets are a result, not a failure of the run: exit 0; a wrong answer or a crash exits 1.
    _ = missed;
    return 0;
}
catch (BenchFailure ex)
{
    await Console.Error.WriteLineAsync($"compare: FAILED: {ex.Message}");
    return 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("compare: cancelled");
    return 130;
}
finally
{
    scratch.Delete(recursive: true);
}

static async Task<(List<ServerResults> Servers, List<ServerResults> ReadyToRun)> RunAsync(BenchPaths paths, BenchOptions options, CancellationToken cancellationToken)
{
    var clock = Stopwatch.StartNew();
    var servers = ServerSpec.All(paths, options.BareEventStore).Select(s => new ServerResults(s)).ToList();
    var readyToRun = options.ReadyToRun ? ServerSpec.ReadyToRun(paths).Select(s => new ServerResults(s)).ToList() : [];
    var stdio = servers.Where(s => s.Spec.HasStdio).ToList();
    var cold = stdio.Concat(readyToRun).ToList();
    void Progress(string text) => Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {text}");

    // Cold starts, interleaved one by one.
    for (var i = 0; i < options.ColdStarts; i++)
    {
        foreach (var s in cold)
        {
            s.ColdStartMs.Add(await Measurements.ColdStartAsync(s.Spec, cancellationToken));
        }

        Progress($"cold start {i + 1}/{options.ColdStarts}: " + string.Join(", ", cold.Select(s => $"{s.Spec.Name} {s.ColdStartMs[^1]:0} ms")));
    }

    // Sequential stdio calls: a fresh process per server per round.
    for (var round = 1; round <= options.Rounds; round++)
    {
        foreach (var s in stdio)
        {
            await Measurements.StdioAsync(s, options.StdioWarmup, options.Measure, TimeSpan.FromSeconds(1), cancellationToken);
        }

        Progress($"stdio round {round}/{options.Rounds}: " + string.Join(", ", stdio.Select(s => $"{s.Spec.Name} {s.StdioRates[^1]:0}/s")));
    }

    // Streamable HTTP: every server up at once, idle RSS, then the rounds of load, then RSS after load.
    var running = new List<ServerProcess>();
    try
    {
        foreach (var s in servers)
        {
            running.Add(await ServerProcess.StartHttpAsync(s.Spec, cancellationToken));
        }

        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        for (var i = 0; i < servers.Count; i++)
        {
            servers[i].HttpIdleRss = running[i].RssMiB();
        }

        // Each server's JIT settles under unrecorded load first; the phases then measure the steady state.
        if (options.HttpWarmup > TimeSpan.Zero)
        {
            for (var i = 0; i < servers.Count; i++)
            {
                await Measurements.HttpAsync(running[i], options.HighConcurrency, options.HttpWarmup, TimeSpan.Zero, cancellationToken);
            }

            Progress($"HTTP warm-up: {options.HttpWarmup.TotalSeconds:0} s at c={options.HighConcurrency} per server");
        }

        int[] levels = [1, options.HighConcurrency];
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var c in levels)
            {
                for (var i = 0; i < servers.Count; i++)
                {
                    if (running[i].HasExited)
                    {
                        throw running[i].Failure("exited during the load");
                    }

                    var load = await Measurements.HttpAsync(running[i], c, options.PhaseWarmup, options.Measure, cancellationToken);
                    Add(servers[i].HttpRates, c, load.PerSecond);
                    (servers[i].HttpTicks.TryGetValue(c, out var ticks) ? ticks : servers[i].HttpTicks[c] = []).AddRange(load.Ticks);
                }

                Progress($"HTTP round {round}/{options.Rounds}, c={c}: " + string.Join(", ", servers.Select(s => $"{s.Spec.Name} {s.HttpRates[c][^1]:0}/s")));
            }
        }

        for (var i = 0; i < servers.Count; i++)
        {
            servers[i].HttpLoadRss = running[i].RssMiB();
        }
    }
    finally
    {
        foreach (var server in running)
        {
            await server.DisposeAsync();
        }
    }

    Progress("done");
    return (servers, readyToRun);

    static void Add(Dictionary<int, List<double>> map, int key, double value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }
}

static string Header(BenchPaths paths, BenchOptions options, DateTime stamp, string kind)
{
    var tsVersion = "?";
    var tsPackage = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(paths.TypeScriptServer)!)!, "package.json");
    if (File.Exists(tsPackage))
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(tsPackage));
        tsVersion = json.RootElement.GetProperty("version").GetString() ?? "?";
    }

    var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
    var node = "?";
    try
    {
        using var p = Process.Start(new ProcessStartInfo(Environment.GetEnvironmentVariable("BENCH_NODE") ?? "node", "--version") { RedirectStandardOutput = true });
        node = p?.StandardOutput.ReadToEnd().Trim() ?? "?";
        p?.WaitForExit();
    }
    catch (System.ComponentModel.Win32Exception)
    {
        // Reported as unknown.
    }

    var sb = new StringBuilder();
    sb.AppendLine(CultureInfo.InvariantCulture, $"# Lumina benchmark ({kind}), {stamp:yyyy-MM-dd HH:mm} UTC");
    sb.AppendLine();
    sb.AppendLine(CultureInfo.InvariantCulture, $"Command: `bench/compare.sh{(options.CommandLine.Length > 0 ? " " + options.CommandLine : "")}`");
    sb.AppendLine();
    sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores (shared), {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, Node {node}; load average at the end {load}.");
    if (kind == "compare")
    {
        sb.AppendLine(CultureInfo.InvariantCulture, $"Run: {options.ColdStarts} cold starts per server; {options.Rounds} interleaved round(s) of {options.Measure.TotalSeconds:0} s measured per phase, after unrecorded load — {options.StdioWarmup.TotalSeconds:0} s for each stdio round's fresh process, {options.HttpWarmup.TotalSeconds:0} s at c={options.HighConcurrency} for each HTTP server before its rounds and {options.PhaseWarmup.TotalSeconds:0} s at the start of each HTTP phase (the JIT settles: rates are the steady state; start-up is the cold-start rows); rates are the median of the rounds, percentiles over all recorded calls.");
        sb.AppendLine("Servers: Lumina = `dotnet lumina.dll` (Release) with its default filters and the bench echo plugin; bare SDK = `dotnet Lumina.Bench.BareSdk.dll` (ModelContextProtocol 2.3.1, same GC settings); TypeScript = @modelcontextprotocol/server-everything " + tsVersion + " (package-lock) on Node; raw ASP.NET = a minimal endpoint, HTTP only.");
        if (options.BareEventStore)
        {
            sb.AppendLine("bare SDK+store: the bare SDK given the SDK's own store for resumable streams (`WithDistributedCacheEventStreamStore()` over `AddDistributedMemoryCache()`; Lumina keeps its events in its own store).");
        }

        sb.AppendLine("HTTP session mode: Lumina and the bare SDK both `StatefulForInitializeClients` (each worker initializes one session and reuses it); the TypeScript server is always stateful; raw ASP.NET keeps no sessions. Every reply is checked to be the exact echo.");
    }

    sb.AppendLine();
    return sb.ToString();
}
