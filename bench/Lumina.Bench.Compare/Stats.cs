using System.Diagnostics;

namespace Lumina.Bench.Compare;

/// <summary>Order statistics over raw samples: every sample is kept and sorted, so p99 is exact (nearest rank).</summary>
internal static class Stats
{
    public static double Percentile(List<long> sortedTicks, double p)
    {
        if (sortedTicks.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * sortedTicks.Count);
        return TicksToMicroseconds(sortedTicks[Math.Clamp(rank - 1, 0, sortedTicks.Count - 1)]);
    }

    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static double TicksToMicroseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    public static double TicksToMilliseconds(long ticks) => ticks * 1_000.0 / Stopwatch.Frequency;

    /// <summary>Least-squares slope of y over x.</summary>
    public static double Slope(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 2)
        {
            return double.NaN;
        }

        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var num = points.Sum(p => (p.X - mx) * (p.Y - my));
        var den = points.Sum(p => (p.X - mx) * (p.X - mx));
        return den == 0 ? double.NaN : num / den;
    }
}
