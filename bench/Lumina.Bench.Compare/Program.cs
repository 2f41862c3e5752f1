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
    var paths = new BenchPaths(options.Root ?? BenchPaths.FindRoot(), scratch.FullName, options.Published, options.Composite);
    paths.Check(options.ReadyToRun);
    var outDir = options.Out ?? Path.Combine(paths.Root, "bench", "results");
    Directory.CreateDirectory(outDir);
    var stamp = DateTime.UtcNow;
    if (options.Soak is { } soakDuration)
    {
        var target = options.SoakServer == "lumina" ? ServerSpec.All(paths, anonymous: options.Anonymous)[0] : ServerSpec.All(paths, options.SoakServer == "bare-store")[1];
        var soak = await Soak.RunAsync(target, options, soakDuration, cancel.Token);
        var soakFile = Path.Combine(outDir, $"soak-{stamp:yyyyMMdd-HHmm}{(options.SoakServer == "lumina" ? "" : "-" + options.SoakServer)}.md");
        await File.WriteAllTextAsync(soakFile, Header(paths, options, stamp, "soak") + soak.Markdown);
        await Console.Out.WriteLineAsync(soak.Markdown);
        await Console.Out.WriteLineAsync($"written to {Path.GetRelativePath(paths.Root, soakFile)}");
        return soak.Grew ? 1 : 0;
    }

    var (results, readyToRun) = await RunAsync(paths, options, cancel.Token);
    var (table, missed) = Report.Build(results, readyToRun, options.HighConcurrency, paths.Published);
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
    var servers = ServerSpec.All(paths, options.BareEventStore, options.Anonymous).Select(s => new ServerResults(s)).ToList();
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

        // Both protocol eras: 2025-11-25 (a session per worker) on every server, 2026-07-28 stateless on those that serve it.
        bool[] eras = [false, true];
        bool Serves(int i, bool stateless) => !stateless || servers[i].Spec.ServesStateless;

        // Each server's JIT settles under unrecorded load first, in each era (the stateless path is other code); the
        // phases then measure the steady state.
        if (options.HttpWarmup > TimeSpan.Zero)
        {
            foreach (var stateless in eras)
            {
                for (var i = 0; i < servers.Count; i++)
                {
                    if (Serves(i, stateless))
                    {
                        await Measurements.HttpAsync(running[i], new HttpPhase(stateless, options.HighConcurrency), options.HttpWarmup, TimeSpan.Zero, cancellationToken);
                    }
                }
            }

            Progress($"HTTP warm-up: {options.HttpWarmup.TotalSeconds:0} s at c={options.HighConcurrency} per server and protocol era");
        }

        HttpPhase[] phases = [.. eras.SelectMany(stateless => new[] { 1, options.HighConcurrency }.Select(c => new HttpPhase(stateless, c)))];
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var phase in phases)
            {
                var measured = new List<ServerResults>();
                for (var i = 0; i < servers.Count; i++)
                {
                    if (!Serves(i, phase.Stateless))
                    {
                        continue;
                    }

                    if (running[i].HasExited)
                    {
                        throw running[i].Failure("exited during the load");
                    }

                    var load = await Measurements.HttpAsync(running[i], phase, options.PhaseWarmup, options.Measure, cancellationToken);
                    Add(servers[i].HttpRates, phase, load.PerSecond);
                    (servers[i].HttpTicks.TryGetValue(phase, out var ticks) ? ticks : servers[i].HttpTicks[phase] = []).AddRange(load.Ticks);
                    measured.Add(servers[i]);
                }

                Progress($"HTTP round {round}/{options.Rounds}, {phase}: " + string.Join(", ", measured.Select(s => $"{s.Spec.Name} {s.HttpRates[phase][^1]:0}/s")));
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

    static void Add(Dictionary<HttpPhase, List<double>> map, HttpPhase key, double value)
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
    var build = paths.Composite
        ? "published self-contained with one composite ReadyToRun image of the program and the runtime (`dotnet publish -c Release -r linux-x64 --self-contained true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true`, bench/artifacts/composite; `--composite`), started as its own executable"
        : paths.Published
        ? "published (`dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true`, bench/artifacts/r2r)"
        : "as built (bin/Release, `--as-built`)";
    if (kind == "soak")
    {
        sb.AppendLine("Servers: Lumina and the bare SDK " + build + "; Lumina in its default configuration (audit on), " + (options.Anonymous ? "anonymous callers given the role `user` (`--anonymous`)." : $"a bearer token from `POST /token` on every request (token lifetime {ServerSpec.TokenLifetime})."));
    }

    if (kind == "compare")
    {
        sb.AppendLine(CultureInfo.InvariantCulture, $"Run: {options.ColdStarts} cold starts per server; {options.Rounds} interleaved round(s) of {options.Measure.TotalSeconds:0} s measured per phase, after unrecorded load — {options.StdioWarmup.TotalSeconds:0} s for each stdio round's fresh process, {options.HttpWarmup.TotalSeconds:0} s at c={options.HighConcurrency} for each HTTP server in each protocol era it serves, before its rounds, and {options.PhaseWarmup.TotalSeconds:0} s at the start of each HTTP phase (the JIT settles: rates are the steady state; start-up is the cold-start rows); rates are the median of the rounds, percentiles over all recorded calls.");
        sb.AppendLine("Servers: Lumina = `" + (paths.Composite ? "lumina" : "dotnet lumina.dll") + "` " + build + " in its default configuration (default filters, audit on) with the bench echo plugin; bare SDK = `" + (paths.Composite ? "Lumina.Bench.BareSdk" : "dotnet Lumina.Bench.BareSdk.dll") + "` (ModelContextProtocol " + SdkVersion(paths) + ", same GC settings), " + (paths.Published ? "published the same way" : "as built") + "; TypeScript = @modelcontextprotocol/server-everything " + tsVersion + " (package-lock) on Node; raw ASP.NET = a minimal endpoint (Release build), HTTP only.");
        sb.AppendLine(options.Anonymous
            ? "HTTP auth: none anywhere (`--anonymous`): Lumina gives anonymous callers the role `user` (its authorization filter still runs); the other servers have no auth."
            : $"HTTP auth: Lumina with a bearer token on every request — a user with the role `user` added by `lumina users add {BearerToken.UserName} --role user --password-stdin` in the run's data directory, its token from `POST /token` (password grant), the token lifetime set to {ServerSpec.TokenLifetime} (`Lumina:Auth:TokenLifetime`; default 15 min) so it outlasts the run; the bare SDK, TypeScript and raw ASP.NET get no token (they have no auth). Lumina's per-caller rate limit is off (`Lumina:Policy:RateLimit:PermitsPerMinute=0`).");
        if (options.BareEventStore)
        {
            sb.AppendLine("bare SDK+store: the bare SDK given the SDK's own store for resumable streams (`WithDistributedCacheEventStreamStore()` over `AddDistributedMemoryCache()`; Lumina keeps its events in its own store).");
        }

        sb.AppendLine($"HTTP protocol eras: {JsonRpc.ProtocolVersion} — Lumina and the bare SDK both `StatefulForInitializeClients`, each worker initializes one session and reuses it; the TypeScript server is always stateful; raw ASP.NET keeps no sessions. {JsonRpc.StatelessProtocolVersion} stateless — no initialize and no session, every POST with `MCP-Protocol-Version: {JsonRpc.StatelessProtocolVersion}`, `Mcp-Method: tools/call`, `Mcp-Name: echo` and the client's version, capabilities and info in `params._meta`: Lumina, the bare SDK (its same session mode serves them) and raw ASP.NET (which reads none of it); the TypeScript server does not serve this revision (it answers 400 \"Server not initialized\": —). Every reply is checked to be the exact echo.");
    }

    sb.AppendLine();
    return sb.ToString();
}

// The MCP SDK version the bare SDK server runs, read from the assembly beside it (not written down, so it cannot drift).
static string SdkVersion(BenchPaths paths)
{
    var dll = Path.Combine(Path.GetDirectoryName(paths.BareSdkDll)!, "ModelContextProtocol.Core.dll");
    return File.Exists(dll) && System.Diagnostics.FileVersionInfo.GetVersionInfo(dll).ProductVersion is { } version
        ? version.Split('+')[0]
        : "(unknown)";
}
