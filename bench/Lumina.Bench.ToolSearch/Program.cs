using System.Diagnostics;
using System.Globalization;
using Lumina.Core.Search;
using Lumina.Testing;

// Tool search on the committed catalog and labelled queries (tests/Lumina.Core.Tests/Data): quality, the size of
// tools/list in full and in search mode, and the latency of a search against a naive substring ranker measured in the
// same run. BM25 only: no embedding generator runs here.
var repetitions = Option("--repetitions", 31);
var data = Path.Combine(AppContext.BaseDirectory, "Data");
var catalog = ToolSearchData.Catalog(data);
var queries = ToolSearchData.Queries(data);
var documents = catalog.Select(t => new ToolSearchDocument(
    t.GetProperty("name").GetString()!, t.TryGetProperty("title", out var title) ? title.GetString() : null,
    t.GetProperty("description").GetString()!, t.GetProperty("inputSchema"))).ToList();

var index = new ToolSearchIndex(documents);
var naive = new SubstringRanker(documents);
IReadOnlyList<string> Lumina(string q) => [.. index.Search(q, 10).Select(h => h.Tool.Name)];

var heldOut = queries.Where(q => q.Set == "held-out").ToList();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{documents.Count} tools, {queries.Count} labelled queries ({queries.Count - heldOut.Count} tuned on, {heldOut.Count} held out)"));
Console.WriteLine();
Console.WriteLine("| ranker | recall@1 | recall@5 | MRR | µs per query (median of runs) | ratio |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
var baseline = Latency(q => naive.Search(q, 10), queries, repetitions);
var quality = ToolSearchData.Evaluate(queries, q => naive.Search(q, 10));
Row("substring match (baseline)", quality, baseline, baseline);
var bm25 = ToolSearchData.Evaluate(queries, Lumina);
Row("ToolSearchIndex (BM25)", bm25, Latency(Lumina, queries, repetitions), baseline);
Console.WriteLine();
Console.WriteLine("| query set | queries | recall@1 | recall@5 | MRR |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
foreach (var set in queries.GroupBy(q => q.Set))
{
    var q = ToolSearchData.Evaluate([.. set], Lumina);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {set.Key} | {set.Count()} | {q.RecallAt1:F3} | {q.RecallAt5:F3} | {q.MeanReciprocalRank:F3} |"));
}
var build = Stopwatch.StartNew();
for (var i = 0; i < 10; i++)
{
    _ = new ToolSearchIndex(documents);
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Building the index: {build.Elapsed.TotalMilliseconds / 10:F1} ms"));

var full = ToolSearchData.ListResultBytes(catalog);
var search = ToolSearchData.ListResultBytes(ToolSearchData.MetaTools(data));
Console.WriteLine();
Console.WriteLine("| tools/list result | tools | bytes (UTF-8 JSON) | ≈ tokens (bytes / 4) |");
Console.WriteLine("| --- | ---: | ---: | ---: |");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| full catalog | {catalog.Count} | {full:N0} | {full / 4:N0} |"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| search mode (tools_search, tools_describe, tools_call) | 3 | {search:N0} | {search / 4:N0} |"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| ratio | | {(double)full / search:F0}× | |"));

// What each choice of the tuning is worth: the default, then one change at a time.
Console.WriteLine();
Console.WriteLine("| tuning (one change from the default) | recall@1 | recall@5 | MRR | held out: recall@1 | recall@5 | MRR |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
var variants = new (string Name, ToolSearchTuning Tuning)[]
{
    ("default (plain BM25, related words at 0.5)", ToolSearchTuning.Default),
    ("no related words (plain BM25)", ToolSearchTuning.Default with { RelatedWeight = 0 }),
    ("related words at 0.3", ToolSearchTuning.Default with { RelatedWeight = 0.3 }),
    ("related words at 1", ToolSearchTuning.Default with { RelatedWeight = 1 }),
    ("name and title weight 2", ToolSearchTuning.Default with { NameWeight = 2 }),
    ("name and title weight 3", ToolSearchTuning.Default with { NameWeight = 3 }),
    ("stemming", ToolSearchTuning.Default with { Stem = true }),
    ("stop words", ToolSearchTuning.Default with { StopWords = true }),
    ("parameter names only", ToolSearchTuning.Default with { ParameterDescriptions = false }),
    ("k1 = 0.9", ToolSearchTuning.Default with { K1 = 0.9 }),
    ("k1 = 1.5", ToolSearchTuning.Default with { K1 = 1.5 }),
    ("b = 0.5", ToolSearchTuning.Default with { B = 0.5 }),
    ("b = 0.9", ToolSearchTuning.Default with { B = 0.9 }),
    ("weight 2, stemming, stop words (the first tuning, chosen on the tuning queries)", ToolSearchTuning.Default with { NameWeight = 2, Stem = true, StopWords = true }),
};
foreach (var (name, tuning) in variants)
{
    var variant = new ToolSearchIndex(documents, tuning);
    IReadOnlyList<string> Search(string q) => [.. variant.Search(q, 10).Select(h => h.Tool.Name)];
    var all = ToolSearchData.Evaluate(queries, Search);
    var held = ToolSearchData.Evaluate(heldOut, Search);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {all.RecallAt1:F3} | {all.RecallAt5:F3} | {all.MeanReciprocalRank:F3} | {held.RecallAt1:F3} | {held.RecallAt5:F3} | {held.MeanReciprocalRank:F3} |"));
}

if (args.Contains("--misses"))
{
    Console.WriteLine();
    foreach (var miss in bm25.Misses)
    {
        Console.WriteLine(miss);
    }
}

return 0;

static double Latency(Func<string, IReadOnlyList<string>> search, IReadOnlyList<ToolSearchQuery> queries, int repetitions)
{
    foreach (var query in queries)
    {
        _ = search(query.Query); // warm-up: JIT (tiered)
    }

    var perQuery = new List<double>();
    for (var r = 0; r < repetitions; r++)
    {
        var watch = Stopwatch.StartNew();
        foreach (var query in queries)
        {
            _ = search(query.Query);
        }

        perQuery.Add(watch.Elapsed.TotalMicroseconds / queries.Count);
    }

    perQuery.Sort();
    return perQuery[perQuery.Count / 2];
}

static void Row(string name, ToolSearchQuality quality, double micros, double baseline) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {quality.RecallAt1:F3} | {quality.RecallAt5:F3} | {quality.MeanReciprocalRank:F3} | {micros:F1} | {micros / baseline:F2} |"));

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>
/// The baseline: what a server without an index would do — count the query's words (three letters or more) that occur
/// anywhere in a tool's name, title or description, most first.
/// </summary>
internal sealed class SubstringRanker(IReadOnlyList<ToolSearchDocument> tools)
{
    private readonly (string Name, string Text)[] _texts =
        [.. tools.Select(t => (t.Name, (t.Name.Replace('_', ' ') + " " + t.Title + " " + t.Description).ToLowerInvariant()))];

    public IReadOnlyList<string> Search(string query, int limit)
    {
        var words = query.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 3).ToArray();
        return [.. _texts
            .Select(t => (t.Name, Hits: words.Count(w => t.Text.Contains(w, StringComparison.Ordinal))))
            .Where(t => t.Hits > 0)
            .OrderByDescending(t => t.Hits)
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .Take(limit)
            .Select(t => t.Name)];
    }
}
