using System.Text.RegularExpressions;

namespace Lumina.Workflows;

/// <summary>Name rules and "did you mean" suggestions.</summary>
internal static partial class WorkflowNames
{
    /// <summary>Workflow names and step ids: lower-case letters, digits and underscores.</summary>
    [GeneratedRegex("^[a-z0-9_]+$", RegexOptions.CultureInvariant)]
    public static partial Regex Name();

    /// <summary>The candidate closest to <paramref name="name"/> by edit distance, when it is close enough to be a typo.</summary>
    public static string? Suggest(string name, IEnumerable<string> candidates)
    {
        var limit = Math.Max(2, name.Length / 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            // A prefix (int → integer, files_rea → files_read) counts as one edit.
            var distance = candidate.StartsWith(name, StringComparison.Ordinal) && name.Length >= 3 ? 1 : Distance(name, candidate);
            if (distance <= limit && distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best;
    }

    /// <summary>" (did you mean 'x'?)" or nothing.</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates) =>
        Suggest(name, candidates) is { } s ? $" (did you mean '{s}'?)" : string.Empty;

    // Levenshtein distance over two rows.
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
