using System.Globalization;
using Lumina.Core.Search;
using Lumina.Testing;
using Xunit.Abstractions;

namespace Lumina.Core.Tests.Search;

/// <summary>
/// Tool search on the committed catalog (430 tools) and labelled queries (tests/Lumina.Core.Tests/Data), BM25 only.
/// The floors sit a little under what was measured, so a regression in ranking fails here; bench/Lumina.Bench.ToolSearch
/// prints the same figures with latency and the tuning table.
/// </summary>
public sealed class ToolSearchQualityTests(ITestOutputHelper output)
{
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "Data");

    [Fact]
    public void Search_LabelledQueries_FindTheirTool()
    {
        var catalog = ToolSearchData.Catalog(Data);
        var index = new ToolSearchIndex([.. catalog.Select(t => new ToolSearchDocument(
            t.GetProperty("name").GetString()!, t.GetProperty("title").GetString(), t.GetProperty("description").GetString()!, t.GetProperty("inputSchema")))]);
        var queries = ToolSearchData.Queries(Data);

        var quality = ToolSearchData.Evaluate(queries, q => [.. index.Search(q, 10).Select(h => h.Tool.Name)]);
        var heldOut = ToolSearchData.Evaluate([.. queries.Where(q => q.Set == "held-out")], q => [.. index.Search(q, 10).Select(h => h.Tool.Name)]);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{catalog.Count} tools, {queries.Count} queries: recall@1 {quality.RecallAt1:F3}, recall@5 {quality.RecallAt5:F3}, MRR {quality.MeanReciprocalRank:F3}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"held-out queries only: recall@1 {heldOut.RecallAt1:F3}, recall@5 {heldOut.RecallAt5:F3}, MRR {heldOut.MeanReciprocalRank:F3}"));
        foreach (var miss in quality.Misses)
        {
            output.WriteLine("miss: " + miss);
        }

        catalog.Count.Should().BeGreaterThanOrEqualTo(300);
        queries.Count.Should().BeGreaterThanOrEqualTo(60);
        quality.RecallAt5.Should().BeGreaterThanOrEqualTo(0.9);
        quality.RecallAt1.Should().BeGreaterThanOrEqualTo(0.65); // measured 0.682
        quality.MeanReciprocalRank.Should().BeGreaterThanOrEqualTo(0.75); // measured 0.778
    }

    [Fact]
    public void ToolsList_SearchMode_IsAtLeastTenTimesSmaller()
    {
        var full = ToolSearchData.ListResultBytes(ToolSearchData.Catalog(Data));
        var search = ToolSearchData.ListResultBytes(ToolSearchData.MetaTools(Data));

        // Tokens approximated as bytes / 4 (English text and JSON average about four bytes a token).
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tools/list, full catalog: {full:N0} bytes (≈ {full / 4:N0} tokens); search mode, 3 meta-tools: {search:N0} bytes (≈ {search / 4:N0} tokens); {(double)full / search:F0}× smaller"));

        search.Should().BeLessThan(full / 10);
    }
}
