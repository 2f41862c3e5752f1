using System.Numerics.Tensors;
using Lumina.Abstractions.Memory;

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
    /// <summary>The k of reciprocal rank fusion; 60 is the value of the original paper.</summary>
    private const double FusionK = 60;

    /// <summary>Below this cosine similarity a fact is not related enough to be recalled on meaning alone.</summary>
    private const float MinSimilarity = 0.5f;

    public static IReadOnlyList<RecalledFact> Rank(IReadOnlyList<StoredFact> facts, string query, float[]? queryEmbedding, int limit)
    {
        var lexical = Bm25.Rank([.. facts.Select(f => f.Fact)], query, int.MaxValue);
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
            .ToList();

        var scores = new Dictionary<string, (MemoryFact Fact, double Score)>(StringComparer.Ordinal);
        void Fuse(IEnumerable<MemoryFact> ranked)
        {
            var rank = 0;
            foreach (var fact in ranked)
            {
                rank++;
                var add = 1 / (FusionK + rank);
                scores[fact.Id] = scores.TryGetValue(fact.Id, out var current) ? (fact, current.Score + add) : (fact, add);
            }
        }

        Fuse(lexical.Select(r => r.Fact));
        Fuse(semantic.Select(s => s.Fact));
        return [.. scores.Values
            .OrderByDescending(s => s.Score)
            .ThenByDescending(s => s.Fact.CreatedAt)
            .ThenBy(s => s.Fact.Id, StringComparer.Ordinal)
            .Take(limit)
            .Select(s => new RecalledFact(s.Fact, Math.Round(s.Score, 6)))];
    }
}
