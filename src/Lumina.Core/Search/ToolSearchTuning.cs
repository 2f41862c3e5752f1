namespace Lumina.Core.Search;

/// <summary>
/// How <see cref="ToolSearchIndex"/> builds its documents and expands queries: plain BM25 over every field, plus related
/// words at half weight. Measured on the labelled queries of <c>tests/Lumina.Core.Tests/Data</c> (bench/README.md,
/// "Tool search"): stemming and stop words looked good on the queries tuned on and were worse on the held-out ones, so
/// they are off; the related words lift recall@5 over all queries and are neutral on the held-out ones. The other
/// values stay here to measure against.
/// </summary>
internal sealed record ToolSearchTuning
{
    /// <summary>The tuning tool search uses.</summary>
    public static ToolSearchTuning Default { get; } = new();

    /// <summary>How many times the words of the name and the title count, against once for the rest.</summary>
    public int NameWeight { get; init; } = 1;

    /// <summary>Whether plural, <c>-ing</c> and <c>-ed</c> endings are stripped (both in documents and queries).</summary>
    public bool Stem { get; init; }

    /// <summary>Whether common English words (the, a, to, my …) are left out.</summary>
    public bool StopWords { get; init; }

    /// <summary>Whether the descriptions of the parameters are indexed, besides their names.</summary>
    public bool ParameterDescriptions { get; init; } = true;

    /// <summary>
    /// The weight of a word related to a query word (a thesaurus of tool vocabulary: ticket → issue, mail → email)
    /// against 1 for the query's own words; 0 turns the expansion off.
    /// </summary>
    public double RelatedWeight { get; init; } = 0.5;

    /// <summary>BM25's term-frequency saturation.</summary>
    public double K1 { get; init; } = Bm25Index.DefaultK1;

    /// <summary>BM25's length normalization.</summary>
    public double B { get; init; } = Bm25Index.DefaultB;
}
