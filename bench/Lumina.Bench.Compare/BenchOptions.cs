using System.Globalization;

namespace Lumina.Bench.Compare;

/// <summary>The command line: full run by default, <c>--quick</c> for a smoke check, <c>--soak 10m</c> for the soak.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        Lumina.Bench.Compare — Lumina side by side with the bare MCP C# SDK, the TypeScript reference server and raw ASP.NET Core

        Usage: bench/compare.sh [options]      (publishes Lumina and the bare SDK, builds the rest in Release, runs
                                               npm ci, then this driver)

        Lumina is measured as users deploy it: published (ReadyToRun, framework-dependent), default configuration
        (audit on), over HTTP with a bearer token from POST /token; HTTP in both protocol eras (2025-11-25 with a
        session per worker, 2026-07-28 stateless). The bare SDK is published the same way.

          --quick               smoke check (~2 min of measuring): fewer cold starts, one short round
          --rounds N            interleaved rounds of the stdio and HTTP measurements (default 3; quick 1)
          --seconds S           measured seconds per phase (default 5; quick 2)
          --warmup S            unrecorded load every server process gets before its first recorded call, so the
                                JIT has settled: each stdio round's fresh process, each HTTP server once per protocol
                                era before the rounds (default 10 for stdio and 15 for HTTP; quick 2)
          --phase-warmup S      unrecorded seconds at the start of each HTTP phase (default 2; quick 1)
          --cold N              cold starts per server (default 12; quick 5)
          --concurrency N       the high HTTP concurrency (default 16)
          --soak DURATION       soak instead: HTTP load on Lumina only for DURATION (e.g. 10m, 90s), RSS every interval
          --soak-server NAME    what to soak: lumina (default), bare, or bare-store (bare SDK + the SDK's resumable event store)
          --soak-concurrency N  soak workers (default 4)
          --soak-stateless      soak in the 2026-07-28 era (stateless requests, no session) instead of 2025-11-25 sessions
          --soak-rate R         soak calls per second in total, 0 = as fast as possible (default 1000)
          --soak-interval D     RSS sampling interval (default 10s)
          --soak-max-slope M    flag growth above M MiB/min over the second half (default 1)
          --as-built            run Lumina and the bare SDK from their Release build output (bin/Release) instead of
                                their published builds (bench/artifacts/r2r)
          --r2r                 with --as-built: also cold-start the published builds (compare.sh publishes them)
          --composite           run Lumina and the bare SDK published self-contained with one composite ReadyToRun
                                image of the program and the runtime (bench/artifacts/composite), as their own executables
          --anonymous           Lumina over HTTP without a token: anonymous callers get the role user (what the other
                                servers get); by default every Lumina HTTP request carries a bearer token
          --bare-event-store    give the bare SDK the SDK's resumable event store (SSE events in a memory cache) to see its cost
          --out DIR             where the markdown result goes (default bench/results)
          --root DIR            the repository root (default: found above this program)
        """;

    public bool Quick { get; private set; }

    public int Rounds { get; private set; } = 3;

    public TimeSpan Measure { get; private set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Unrecorded load before a stdio process's calls are recorded. A fresh process runs its first seconds of load in
    /// tier-0 and instrumented code while the JIT recompiles the hot path; measured on the stdio echo loop, Lumina (about
    /// 4,000 methods at start) settles after ~6 s of load, the bare SDK after ~3 s. Calls/s means the steady state.
    /// </summary>
    public TimeSpan StdioWarmup { get; private set; } = TimeSpan.FromSeconds(10);

    /// <summary>Unrecorded load at the high concurrency each HTTP server gets once, before the rounds (Lumina settles after ~15–20 s).</summary>
    public TimeSpan HttpWarmup { get; private set; } = TimeSpan.FromSeconds(15);

    /// <summary>Unrecorded seconds at the start of each HTTP phase, while the load changes level.</summary>
    public TimeSpan PhaseWarmup { get; private set; } = TimeSpan.FromSeconds(2);

    public int ColdStarts { get; private set; } = 12;

    public int HighConcurrency { get; private set; } = 16;

    public TimeSpan? Soak { get; private set; }

    public string SoakServer { get; private set; } = "lumina";

    /// <summary>Soak with stateless 2026-07-28 requests rather than a 2025-11-25 session per worker.</summary>
    public bool SoakStateless { get; private set; }

    public int SoakConcurrency { get; private set; } = 4;

    public double SoakRate { get; private set; } = 1000;

    public TimeSpan SoakInterval { get; private set; } = TimeSpan.FromSeconds(10);

    public double SoakMaxSlope { get; private set; } = 1;

    public bool BareEventStore { get; private set; }

    /// <summary>With <see cref="AsBuilt"/>: also cold-start the published builds (one more row).</summary>
    public bool ReadyToRun { get; private set; }

    /// <summary>
    /// Lumina and the bare SDK published self-contained, the program and the runtime compiled into one composite
    /// ReadyToRun image (so generic code across the two is precompiled too), rather than framework-dependent.
    /// </summary>
    public bool Composite { get; private set; }

    /// <summary>Lumina and the bare SDK from bin/Release rather than published (ReadyToRun), the default.</summary>
    public bool AsBuilt { get; private set; }

    /// <summary>Lumina over HTTP with anonymous callers given the role user, rather than a bearer token (the default).</summary>
    public bool Anonymous { get; private set; }

    /// <summary>Whether Lumina and the bare SDK run from their published builds.</summary>
    public bool Published => !AsBuilt;

    public string? Out { get; private set; }

    public string? Root { get; private set; }

    public bool Help { get; private set; }

    public string CommandLine { get; private set; } = "";

    public static BenchOptions Parse(string[] args)
    {
        // The command line as a reader would type it: compare.sh adds --root itself.
        var shown = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--root")
            {
                i++;
                continue;
            }

            shown.Add(args[i]);
        }

        var o = new BenchOptions { CommandLine = string.Join(' ', shown) };
        bool explicitRounds = false, explicitMeasure = false, explicitWarmup = false, explicitPhaseWarmup = false, explicitCold = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "-h" or "--help":
                    o.Help = true;
                    break;
                case "--quick":
                    o.Quick = true;
                    break;
                case "--rounds":
                    o.Rounds = PositiveInt(Next(), "--rounds");
                    explicitRounds = true;
                    break;
                case "--seconds":
                    o.Measure = TimeSpan.FromSeconds(PositiveInt(Next(), "--seconds"));
                    explicitMeasure = true;
                    break;
                case "--warmup":
                    o.StdioWarmup = o.HttpWarmup = TimeSpan.FromSeconds(NonNegativeInt(Next(), "--warmup"));
                    explicitWarmup = true;
                    break;
                case "--phase-warmup":
                    o.PhaseWarmup = TimeSpan.FromSeconds(NonNegativeInt(Next(), "--phase-warmup"));
                    explicitPhaseWarmup = true;
                    break;
                case "--cold":
                    o.ColdStarts = PositiveInt(Next(), "--cold");
                    explicitCold = true;
                    break;
                case "--concurrency":
                    o.HighConcurrency = PositiveInt(Next(), "--concurrency");
                    break;
                case "--soak":
                    o.Soak = Duration(Next(), "--soak");
                    break;
                case "--soak-stateless":
                    o.SoakStateless = true;
                    break;
                case "--soak-server":
                    o.SoakServer = Next() is "lumina" or "bare" or "bare-store" ? args[i] : throw new ArgumentException($"--soak-server: '{args[i]}' is not lumina, bare or bare-store");
                    break;
                case "--soak-concurrency":
                    o.SoakConcurrency = PositiveInt(Next(), "--soak-concurrency");
                    break;
                case "--soak-rate":
                    o.SoakRate = double.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--soak-interval":
                    o.SoakInterval = Duration(Next(), "--soak-interval");
                    break;
                case "--soak-max-slope":
                    o.SoakMaxSlope = double.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--r2r":
                    o.ReadyToRun = true;
                    break;
                case "--as-built":
                    o.AsBuilt = true;
                    break;
                case "--composite":
                    o.Composite = true;
                    break;
                case "--anonymous":
                    o.Anonymous = true;
                    break;
                case "--bare-event-store":
                    o.BareEventStore = true;
                    break;
                case "--out":
                    o.Out = Next();
                    break;
                case "--root":
                    o.Root = Next();
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }

        if (o.Composite && o.AsBuilt)
        {
            throw new ArgumentException("--composite and --as-built choose different builds: give one");
        }

        // Published is the default: the published builds are the measured ones, so there is no extra row to add.
        o.ReadyToRun = o.ReadyToRun && o.AsBuilt;
        if (o.Quick)
        {
            o.Rounds = explicitRounds ? o.Rounds : 1;
            o.Measure = explicitMeasure ? o.Measure : TimeSpan.FromSeconds(2);
            o.StdioWarmup = explicitWarmup ? o.StdioWarmup : TimeSpan.FromSeconds(2);
            o.HttpWarmup = explicitWarmup ? o.HttpWarmup : TimeSpan.FromSeconds(2);
            o.PhaseWarmup = explicitPhaseWarmup ? o.PhaseWarmup : TimeSpan.FromSeconds(1);
            o.ColdStarts = explicitCold ? o.ColdStarts : 5;
        }

        return o;
    }

    /// <summary>A duration such as <c>10m</c>, <c>90s</c>, <c>1h</c> or plain seconds.</summary>
    public static TimeSpan Duration(string text, string option)
    {
        var unit = text[^1];
        var number = char.IsDigit(unit) ? text : text[..^1];
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            throw new ArgumentException($"{option}: '{text}' is not a duration such as 10m, 90s or 1h");
        }

        return unit switch
        {
            'h' => TimeSpan.FromHours(value),
            'm' => TimeSpan.FromMinutes(value),
            's' or (>= '0' and <= '9') => TimeSpan.FromSeconds(value),
            _ => throw new ArgumentException($"{option}: '{text}' is not a duration such as 10m, 90s or 1h"),
        };
    }

    private static int NonNegativeInt(string text, string option) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ArgumentException($"{option}: '{text}' is not a whole number of seconds");

    private static int PositiveInt(string text, string option) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{option}: '{text}' is not a positive whole number");
}
