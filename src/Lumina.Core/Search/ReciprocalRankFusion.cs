namespace Lumina.Core.Search;

/// <summary>
/// Reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): each ranking gives an item 1 / (k + rank), and the
/// sums order the fused list. It needs no calibration between BM25 scores and cosine similarities, which live on
/// unrelated scales.
/// </summary>
internal static class ReciprocalRankFusion
{
    /// <summary>The k of reciprocal rank fusion; 60 is the value of the original paper.</summary>
    public const double K = 60;

    /// <summary>
    /// The items of <paramref name="rankings"/> (each best first), identified by <paramref name="key"/> (ordinal), with
    /// their fused scores, in the order they were first seen; the caller orders them and breaks ties.
    /// </summary>
    public static IReadOnlyList<(T Item, double Score)> Fuse<T>(Func<T, string> key, params IEnumerable<T>[] rankings)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(rankings);
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var fused = new List<(T Item, double Score)>();
        foreach (var ranking in rankings)
        {
            var rank = 0;
            foreach (var item in ranking)
            {
                rank++;
                var add = 1 / (K + rank);
                var id = key(item);
                if (positions.TryGetValue(id, out var position))
                {
                    fused[position] = (item, fused[position].Score + add);
                }
                else
                {
                    positions[id] = fused.Count;
                    fused.Add((item, add));
                }
            }
        }

        return fused;
    }
}
