using System.Text;
using System.Text.Json;

namespace Lumina.Testing;

/// <summary>One labelled tool-search query: a request in plain words and the one tool that answers it.</summary>
/// <param name="Set">
/// "tuning" for the queries the ranker was tuned on, "held-out" for those written afterwards and only measured.
/// </param>
public sealed record ToolSearchQuery(string Query, string Expected, string Set);

/// <summary>How well a ranker found the labelled tools.</summary>
/// <param name="RecallAt1">Share of queries whose tool ranked first.</param>
/// <param name="RecallAt5">Share of queries whose tool ranked in the first five.</param>
/// <param name="MeanReciprocalRank">Mean of 1 / rank of the tool (0 when it was not returned).</param>
/// <param name="Misses">The queries whose tool was not in the first five, with what ranked first.</param>
public sealed record ToolSearchQuality(double RecallAt1, double RecallAt5, double MeanReciprocalRank, IReadOnlyList<string> Misses);

/// <summary>
/// The tool-search measurement shared by the quality test and bench/Lumina.Bench.ToolSearch: a catalog of realistic
/// tools, labelled queries, the meta-tools of search mode (tests/Lumina.Core.Tests/Data), and the scoring.
/// </summary>
public static class ToolSearchData
{
    /// <summary>The catalog's tools, each an MCP tool object (name, title, description, inputSchema).</summary>
    public static IReadOnlyList<JsonElement> Catalog(string directory) => Tools(Path.Combine(directory, "tool-catalog.json"));

    /// <summary>The three meta-tools search mode lists instead of the catalog.</summary>
    public static IReadOnlyList<JsonElement> MetaTools(string directory) => Tools(Path.Combine(directory, "tool-search-meta-tools.json"));

    /// <summary>The labelled queries.</summary>
    public static IReadOnlyList<ToolSearchQuery> Queries(string directory)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "tool-queries.json")));
        return [.. document.RootElement.GetProperty("queries").EnumerateArray()
            .Select(q => new ToolSearchQuery(q.GetProperty("query").GetString()!, q.GetProperty("expected").GetString()!, q.GetProperty("set").GetString()!))];
    }

    /// <summary>The size in bytes (UTF-8, compact JSON) of a <c>tools/list</c> result listing <paramref name="tools"/>.</summary>
    public static int ListResultBytes(IReadOnlyList<JsonElement> tools) =>
        Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(new Dictionary<string, IReadOnlyList<JsonElement>> { ["tools"] = tools }));

    /// <summary>Scores <paramref name="search"/> (a query to tool names, best first) over <paramref name="queries"/>.</summary>
    public static ToolSearchQuality Evaluate(IReadOnlyList<ToolSearchQuery> queries, Func<string, IReadOnlyList<string>> search)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(search);
        int first = 0, topFive = 0;
        var reciprocal = 0.0;
        var misses = new List<string>();
        foreach (var query in queries)
        {
            var names = search(query.Query);
            var rank = names.Select((n, i) => (n, i)).FirstOrDefault(p => p.n == query.Expected, (n: "", i: -1)).i + 1;
            first += rank == 1 ? 1 : 0;
            topFive += rank is >= 1 and <= 5 ? 1 : 0;
            reciprocal += rank > 0 ? 1.0 / rank : 0;
            if (rank is < 1 or > 5)
            {
                misses.Add($"\"{query.Query}\" → expected {query.Expected}, got {(names.Count > 0 ? names[0] : "nothing")}");
            }
        }

        var count = Math.Max(queries.Count, 1);
        return new ToolSearchQuality((double)first / count, (double)topFive / count, reciprocal / count, misses);
    }

    private static JsonElement[] Tools(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return [.. document.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.Clone())];
    }
}
