using System.Numerics.Tensors;
using Lumina.Abstractions.Memory;
using Lumina.Core.Search;

namespace Lumina.Core.Memory;

/// <summary>A fact as a store keeps it: the fact and, when an embedding generator is configured, its vector.</summary>
internal sealed record StoredFact(MemoryFact Fact, float[]? Embedding);

/// <summary>
/// Ranks facts for recall: BM25 over the words, and — when the facts and the query have embeddings — cosine
/// similarity too, the two rankings fused by reciprocal rank. Both stores rank with this one implementation, so recall
/// answers the same whichever store holds the facts.
/// </summary>
internal static class FactRanker
{
    /// <summary>Below this cosine similarity a fact is not related enough to be recalled on meaning alone.</summary>
    private const float MinSimilarity = 0.5f;

    public static IReadOnlyList<RecalledFact> Rank(IReadOnlyList<StoredFact> facts, string query, float[]? queryEmbedding, int limit)
    {
        var lexical = Lexical([.. facts.Select(f => f.Fact)], query);
        if (queryEmbedding is null || !facts.Any(f => f.Embedding is not null))
        {
            return [.. lexical.Take(limit)];
        }

        var semantic = facts
            .Where(f => f.Embedding is { } e && e.Length == queryEmbedding.Length)
            .Select(f => (f.Fact, Similarity: TensorPrimitives.CosineSimilarity(f.Embedding!, queryEmbedding)))
            .Where(s => s.Similarity >= MinSimilarity)
            .OrderByDescending(s => s.Similarity)
            .ThenBy(s => s.Fact.Id, StringComparer.Ordinal)
            .Select(s => s.Fact);

        return [.. ReciprocalRankFusion.Fuse(f => f.Id, lexical.Select(r => r.Fact), semantic)
            .OrderByDescending(s => s.Score)
            .ThenByDescending(s => s.Item.CreatedAt)
            .ThenBy(s => s.Item.Id, StringComparer.Ordinal)
            .Take(limit)
            .Select(s => new RecalledFact(s.Item, Math.Round(s.Score, 6)))];
    }

    /// <summary>The facts that share a word with <paramref name="query"/>, best first by BM25 over their text and tags.</summary>
    private static IReadOnlyList<RecalledFact> Lexical(IReadOnlyList<MemoryFact> facts, string query)
    {
        var terms = Bm25Index.Tokenize(query);
        if (terms.Count == 0 || facts.Count == 0)
        {
            return [];
        }

        var index = new Bm25Index([.. facts.Select(f => Bm25Index.Tokenize(f.Text + " " + string.Join(' ', f.Tags)))]);

        // Ties go to the newer fact, then the id, so both stores answer in the same order.
        return [.. index.Score(terms)
            .Select(m => new RecalledFact(facts[m.Document], Math.Round(m.Score, 6)))
            .OrderByDescending(r => r.Score)
            .ThenByDescending(r => r.Fact.CreatedAt)
            .ThenBy(r => r.Fact.Id, StringComparer.Ordinal)];
    }
}
