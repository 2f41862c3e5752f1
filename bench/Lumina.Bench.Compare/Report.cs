using System.Globalization;
using System.Text;

namespace Lumina.Bench.Compare;

/// <summary>The one table: a row per figure, a column per server, the two ratios, and issue 20's targets marked.</summary>
internal static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <param name="Figure">What the row measures.</param>
    /// <param name="Format">How a value prints.</param>
    /// <param name="HigherIsBetter">Whether more is better (throughput) or less (latency, time, memory).</param>
    /// <param name="Values">One value per server, in column order; NaN where the server has no such figure.</param>
    /// <param name="BareLimit">Issue 20's limit on Lumina/bare, if the row has one (a floor for throughput, a ceiling for the rest).</param>
    /// <param name="TsLimit">Issue 20's limit on Lumina/TypeScript, if the row has one (the same direction).</param>
    private sealed record Row(string Figure, Func<double, string> Format, bool HigherIsBetter, double[] Values, double? BareLimit = null, double? TsLimit = null);

    /// <param name="servers">The servers, in column order: Lumina, the bare SDK, TypeScript, raw ASP.NET.</param>
    /// <param name="readyToRun">Lumina and the bare SDK published ReadyToRun (empty unless --as-built --r2r): more cold-start rows.</param>
    /// <param name="high">The high HTTP concurrency.</param>
    /// <param name="published">Whether Lumina and the bare SDK ran from their published builds (the default).</param>
    public static (string Markdown, int Missed) Build(IReadOnlyList<ServerResults> servers, IReadOnlyList<ServerResults> readyToRun, int high, bool published)
    {
        double[] Each(Func<ServerResults, double> f) => [.. servers.Select(f)];
        static double Pct(List<long> ticks, double p)
        {
            var sorted = ticks.ToList();
            sorted.Sort();
            return Stats.Percentile(sorted, p);
        }

        double HttpRate(ServerResults s, HttpPhase phase) => s.HttpRates.TryGetValue(phase, out var r) ? Stats.Median(r) : double.NaN;
        double HttpPct(ServerResults s, HttpPhase phase, double p) => s.HttpTicks.TryGetValue(phase, out var t) ? Pct(t, p) : double.NaN;
        double StdioOnly(ServerResults s, Func<double> f) => s.Spec.HasStdio ? f() : double.NaN;

        static string Ms(double v) => v.ToString("0", Invariant) + " ms";
        static string PerSecond(double v) => v.ToString("#,0", Invariant) + " /s";
        static string Us(double v) => v >= 10_000 ? (v / 1000).ToString("0.0", Invariant) + " ms" : v.ToString("#,0", Invariant) + " µs";
        static string MiB(double v) => v.ToString("0.0", Invariant) + " MiB";

        // Issue 20's targets: cold start ≤ 1.0× TypeScript; stdio calls/s ≥ 0.9× bare and ≥ 1.0× TypeScript, p99 no worse
        // than TypeScript; HTTP c=16 ≥ 0.8× bare in both protocol eras; idle RSS ≤ 1.2× bare; after HTTP load ≤ 1.5×.
        var build = published ? "published" : "as built";
        var rows = new List<Row>
        {
            new($"cold start → first tools/list, stdio, {build} (median)", Ms, false, Each(s => StdioOnly(s, () => Stats.Median(s.ColdStartMs))), TsLimit: 1.0),
        };
        if (readyToRun.Count == 2)
        {
            // The TypeScript column repeats its ordinary cold start: Node has no ReadyToRun counterpart.
            rows.Add(new("cold start, ReadyToRun publish (median)", Ms, false,
                [Stats.Median(readyToRun[0].ColdStartMs), Stats.Median(readyToRun[1].ColdStartMs), Stats.Median(servers[2].ColdStartMs), double.NaN]));

            // Lumina as `dotnet publish` ships it (ReadyToRun) against the bare SDK as built, the way a sample runs.
            rows.Add(new("cold start, Lumina published (ReadyToRun) vs bare SDK as built (median)", Ms, false,
                [Stats.Median(readyToRun[0].ColdStartMs), Stats.Median(servers[1].ColdStartMs), Stats.Median(servers[2].ColdStartMs), double.NaN]));
        }

        rows.AddRange(
        [
            new("stdio tools/call, sequential: calls/s", PerSecond, true, Each(s => StdioOnly(s, () => Stats.Median(s.StdioRates))), 0.9, 1.0),
            new("stdio tools/call: p50", Us, false, Each(s => StdioOnly(s, () => Pct(s.StdioTicks, 50)))),
            new("stdio tools/call: p99", Us, false, Each(s => StdioOnly(s, () => Pct(s.StdioTicks, 99))), TsLimit: 1.0),
        ]);
        foreach (var stateless in new[] { false, true })
        {
            var low = new HttpPhase(stateless, 1);
            var top = new HttpPhase(stateless, high);
            var era = low.Era;
            rows.AddRange(
            [
                new($"HTTP tools/call {era}, c=1: req/s", PerSecond, true, Each(s => HttpRate(s, low))),
                new($"HTTP {era}, c=1: p50", Us, false, Each(s => HttpPct(s, low, 50))),
                new($"HTTP {era}, c=1: p99", Us, false, Each(s => HttpPct(s, low, 99))),
                new($"HTTP tools/call {era}, c={high}: req/s", PerSecond, true, Each(s => HttpRate(s, top)), 0.8),
                new($"HTTP {era}, c={high}: p50", Us, false, Each(s => HttpPct(s, top, 50))),
                new($"HTTP {era}, c={high}: p99", Us, false, Each(s => HttpPct(s, top, 99))),
            ]);
        }

        rows.AddRange(
        [
            new("RSS idle, stdio (after start)", MiB, false, Each(s => StdioOnly(s, () => Stats.Median(s.StdioIdleRss))), 1.2),
            new("RSS after load, stdio", MiB, false, Each(s => StdioOnly(s, () => Stats.Median(s.StdioLoadRss)))),
            new("RSS idle, HTTP (after start)", MiB, false, Each(s => s.HttpIdleRss), 1.2),
            new("RSS after load, HTTP (both eras)", MiB, false, Each(s => s.HttpLoadRss), 1.5),
        ]);

        var md = new StringBuilder();
        md.Append("| figure | ").AppendJoin(" | ", servers.Select(s => s.Spec.Name)).AppendLine(" | Lumina/bare | Lumina/TS | targets |");
        md.Append("|---|").AppendJoin("", servers.Select(_ => "---:|")).AppendLine("---:|---:|---|");
        var missed = new List<string>();
        var met = 0;
        foreach (var row in rows)
        {
            var lumina = row.Values[0];
            var bare = row.Values[1];
            var ts = row.Values[2];
            var toBare = lumina / bare;
            var toTs = lumina / ts;
            var targets = new List<string>();
            Target(row.BareLimit, toBare, "bare", "bare SDK");
            Target(row.TsLimit, toTs, "TS", "TypeScript server");

            void Target(double? limit, double ratio, string shortName, string name)
            {
                if (limit is not { } value)
                {
                    return;
                }

                // A figure that could not be measured (NaN) is a miss, never a silent pass.
                var ok = row.HigherIsBetter ? ratio >= value : ratio <= value;
                var bound = $"{(row.HigherIsBetter ? "≥" : "≤")} {value.ToString("0.0", Invariant)}×";
                targets.Add($"{bound} {shortName}: {(ok ? "met" : "**missed**")}");
                Count(ok, $"{row.Figure}: Lumina/{shortName} {Ratio(ratio)} (target {bound} the {name})");
            }

            md.Append("| ").Append(row.Figure).Append(" | ")
                .AppendJoin(" | ", row.Values.Select(v => double.IsNaN(v) ? "—" : row.Format(v)))
                .Append(" | ").Append(Ratio(toBare)).Append(" | ").Append(Ratio(toTs)).Append(" | ")
                .AppendJoin("; ", targets).AppendLine(" |");
        }

        md.AppendLine();
        md.Append(CultureInfo.InvariantCulture, $"Targets of issue 20: {met} met, {missed.Count} missed (RSS flat over the 10-minute soak is `bench/compare.sh --soak 10m`).");
        md.AppendLine(missed.Count == 0 ? "" : " Missed:");
        foreach (var miss in missed)
        {
            md.Append("- ").AppendLine(miss);
        }

        return (md.ToString(), missed.Count);

        void Count(bool ok, string what)
        {
            if (ok)
            {
                met++;
            }
            else
            {
                missed.Add(what);
            }
        }
    }

    private static string Ratio(double value) => double.IsNaN(value) || double.IsInfinity(value) ? "—" : value.ToString("0.00", Invariant) + "×";
}
