using System.Globalization;
using System.Text;

namespace Lumina.Bench.Compare;

/// <summary>The one table: a row per figure, a column per server, the two ratios, and issue 6's targets marked.</summary>
internal static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <param name="Figure">What the row measures.</param>
    /// <param name="Format">How a value prints.</param>
    /// <param name="HigherIsBetter">Whether more is better (throughput) or less (latency, time, memory).</param>
    /// <param name="Values">One value per server, in column order; NaN where the server has no such figure.</param>
    /// <param name="BareLimit">Issue 6's limit on Lumina/bare, if the row has one.</param>
    private sealed record Row(string Figure, Func<double, string> Format, bool HigherIsBetter, double[] Values, double? BareLimit = null);

    /// <param name="readyToRun">Lumina and the bare SDK published ReadyToRun (empty unless --r2r): one more cold-start row.</param>
    public static (string Markdown, int Missed) Build(IReadOnlyList<ServerResults> servers, IReadOnlyList<ServerResults> readyToRun, int high)
    {
        double[] Each(Func<ServerResults, double> f) => [.. servers.Select(f)];
        static double Pct(List<long> ticks, double p)
        {
            var sorted = ticks.ToList();
            sorted.Sort();
            return Stats.Percentile(sorted, p);
        }

        double HttpRate(ServerResults s, int c) => s.HttpRates.TryGetValue(c, out var r) ? Stats.Median(r) : double.NaN;
        double HttpPct(ServerResults s, int c, double p) => s.HttpTicks.TryGetValue(c, out var t) ? Pct(t, p) : double.NaN;
        double StdioOnly(ServerResults s, Func<double> f) => s.Spec.HasStdio ? f() : double.NaN;

        static string Ms(double v) => v.ToString("0", Invariant) + " ms";
        static string PerSecond(double v) => v.ToString("#,0", Invariant) + " /s";
        static string Us(double v) => v >= 10_000 ? (v / 1000).ToString("0.0", Invariant) + " ms" : v.ToString("#,0", Invariant) + " µs";
        static string MiB(double v) => v.ToString("0.0", Invariant) + " MiB";

        var rows = new List<Row>
        {
            new("cold start → first tools/list, stdio (median)", Ms, false, Each(s => StdioOnly(s, () => Stats.Median(s.ColdStartMs))), 1.3),
        };
        if (readyToRun.Count == 2)
        {
            // The TypeScript column repeats its ordinary cold start: Node has no ReadyToRun counterpart.
            rows.Add(new("cold start, ReadyToRun publish (median)", Ms, false,
                [Stats.Median(readyToRun[0].ColdStartMs), Stats.Median(readyToRun[1].ColdStartMs), Stats.Median(servers[2].ColdStartMs), double.NaN], 1.3));

            // Lumina as `dotnet publish` ships it (ReadyToRun) against the bare SDK as built, the way a sample runs.
            rows.Add(new("cold start, Lumina published (ReadyToRun) vs bare SDK as built (median)", Ms, false,
                [Stats.Median(readyToRun[0].ColdStartMs), Stats.Median(servers[1].ColdStartMs), Stats.Median(servers[2].ColdStartMs), double.NaN], 1.3));
        }

        rows.AddRange(
        [
            new("stdio tools/call, sequential: calls/s", PerSecond, true, Each(s => StdioOnly(s, () => Stats.Median(s.StdioRates))), 0.9),
            new("stdio tools/call: p50", Us, false, Each(s => StdioOnly(s, () => Pct(s.StdioTicks, 50)))),
            new("stdio tools/call: p99", Us, false, Each(s => StdioOnly(s, () => Pct(s.StdioTicks, 99)))),
            new("HTTP tools/call, c=1: req/s", PerSecond, true, Each(s => HttpRate(s, 1))),
            new("HTTP c=1: p50", Us, false, Each(s => HttpPct(s, 1, 50))),
            new("HTTP c=1: p99", Us, false, Each(s => HttpPct(s, 1, 99))),
            new($"HTTP tools/call, c={high}: req/s", PerSecond, true, Each(s => HttpRate(s, high)), 0.8),
            new($"HTTP c={high}: p50", Us, false, Each(s => HttpPct(s, high, 50))),
            new($"HTTP c={high}: p99", Us, false, Each(s => HttpPct(s, high, 99))),
            new("RSS idle, stdio (after start)", MiB, false, Each(s => StdioOnly(s, () => Stats.Median(s.StdioIdleRss))), 1.5),
            new("RSS after load, stdio", MiB, false, Each(s => StdioOnly(s, () => Stats.Median(s.StdioLoadRss)))),
            new("RSS idle, HTTP (after start)", MiB, false, Each(s => s.HttpIdleRss), 1.5),
            new("RSS after load, HTTP", MiB, false, Each(s => s.HttpLoadRss)),
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
            if (row.BareLimit is { } limit)
            {
                var ok = row.HigherIsBetter ? toBare >= limit : toBare <= limit;
                targets.Add($"{(row.HigherIsBetter ? "≥" : "≤")} {limit.ToString("0.0", Invariant)}× bare: {(ok ? "met" : "**missed**")}");
                Count(ok, $"{row.Figure}: Lumina/bare {Ratio(toBare)} (target {(row.HigherIsBetter ? "≥" : "≤")} {limit.ToString("0.0", Invariant)}×)");
            }

            if (!double.IsNaN(toTs))
            {
                var ahead = row.HigherIsBetter ? toTs > 1 : toTs < 1;
                targets.Add($"ahead of TS: {(ahead ? "met" : "**missed**")}");
                Count(ahead, $"{row.Figure}: Lumina/TS {Ratio(toTs)} (target: ahead of TypeScript)");
            }

            md.Append("| ").Append(row.Figure).Append(" | ")
                .AppendJoin(" | ", row.Values.Select(v => double.IsNaN(v) ? "—" : row.Format(v)))
                .Append(" | ").Append(Ratio(toBare)).Append(" | ").Append(Ratio(toTs)).Append(" | ")
                .AppendJoin("; ", targets).AppendLine(" |");
        }

        md.AppendLine();
        md.Append(CultureInfo.InvariantCulture, $"Targets of issue 6 item 3: {met} met, {missed.Count} missed.");
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
