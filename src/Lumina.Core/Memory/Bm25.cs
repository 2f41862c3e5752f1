using System.Globalization;
using System.Text;
using Lumina.Abstractions.Memory;

namespace Lumina.Core.Memory;

/// <summary>
/// Okapi BM25 over a user's facts. Both stores rank with this one implementation, so recall gives the same order
/// whichever store holds the facts.
/// </summary>
internal static class Bm25
{
    private const double K1 = 1.2;
    private const double B = 0.75;

    public static IReadOnlyList<RecalledFact> Rank(IReadOnlyList<MemoryFact> facts, string query, int limit)
    {
        var terms = Tokenize(query).Distinct(StringComparer.Ordinal).ToArray();
        if (terms.Length == 0 || facts.Count == 0 || limit <= 0)
        {
            return [];
        }

        var documents = facts.Select(f => Tokenize(f.Text + " " + string.Join(' ', f.Tags))).ToArray();
        var averageLength = documents.Average(d => (double)d.Count);
        var documentFrequency = terms.ToDictionary(t => t, t => documents.Count(d => d.Contains(t)), StringComparer.Ordinal);
        var results = new List<RecalledFact>();
        for (var i = 0; i < facts.Count; i++)
        {
            var document = documents[i];
            var score = 0.0;
            foreach (var term in terms)
            {
                var frequency = document.Count(t => t == term);
                if (frequency == 0)
                {
                    continue;
                }

                var idf = Math.Log(1 + ((facts.Count - documentFrequency[term] + 0.5) / (documentFrequency[term] + 0.5)));
                score += idf * (frequency * (K1 + 1)) / (frequency + (K1 * (1 - B + (B * document.Count / Math.Max(averageLength, 1)))));
            }

            if (score > 0)
            {
                results.Add(new RecalledFact(facts[i], Math.Round(score, 6)));
            }
        }

        // Ties go to the newer fact, then the id, so both stores answer in the same order.
        return [.. results
            .OrderByDescending(r => r.Score)
            .ThenByDescending(r => r.Fact.CreatedAt)
            .ThenBy(r => r.Fact.Id, StringComparer.Ordinal)
            .Take(limit)];
    }

    /// <summary>Lower-cased words of letters and digits, accents removed.</summary>
    public static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                tokens.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            tokens.Add(word.ToString());
        }

        return tokens;
    }
}
