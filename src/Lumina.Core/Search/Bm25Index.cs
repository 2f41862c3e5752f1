using System.Globalization;
using System.Text;

namespace Lumina.Core.Search;

/// <summary>
/// Okapi BM25 over documents tokenized once: memory recall ranks a user's facts with it, tool search a catalog of
/// tools. The index only scores; each caller orders ties its own way.
/// </summary>
internal sealed class Bm25Index
{
    /// <summary>Term-frequency saturation; 1.2 is the usual default.</summary>
    public const double DefaultK1 = 1.2;

    /// <summary>Length normalization; 0.75 is the usual default.</summary>
    public const double DefaultB = 0.75;

    private readonly Dictionary<string, List<(int Document, int Frequency)>> _postings = new(StringComparer.Ordinal);
    private readonly int[] _lengths;
    private readonly double _averageLength;
    private readonly double _k1;
    private readonly double _b;

    /// <summary>Indexes <paramref name="documents"/>, each a list of tokens (see <see cref="Tokenize"/>).</summary>
    public Bm25Index(IReadOnlyList<IReadOnlyList<string>> documents, double k1 = DefaultK1, double b = DefaultB)
    {
        ArgumentNullException.ThrowIfNull(documents);
        _k1 = k1;
        _b = b;
        _lengths = new int[documents.Count];
        for (var i = 0; i < documents.Count; i++)
        {
            _lengths[i] = documents[i].Count;
            foreach (var group in documents[i].GroupBy(t => t, StringComparer.Ordinal))
            {
                if (!_postings.TryGetValue(group.Key, out var postings))
                {
                    _postings[group.Key] = postings = [];
                }

                postings.Add((i, group.Count()));
            }
        }

        _averageLength = documents.Count == 0 ? 0 : documents.Average(d => (double)d.Count);
    }

    /// <summary>The number of documents.</summary>
    public int Count => _lengths.Length;

    /// <summary>
    /// The documents that contain at least one of <paramref name="terms"/>, in document order, with their BM25 score.
    /// A term repeated in <paramref name="terms"/> counts once.
    /// </summary>
    public IReadOnlyList<(int Document, double Score)> Score(IEnumerable<string> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return Score(terms.Distinct(StringComparer.Ordinal).Select(t => (t, 1.0)));
    }

    /// <summary>
    /// Like <see cref="Score(IEnumerable{string})"/>, each term's contribution multiplied by its weight (a query
    /// expanded with related words weighs them below the words it was given). A repeated term counts once, with the
    /// weight it first came with.
    /// </summary>
    public IReadOnlyList<(int Document, double Score)> Score(IEnumerable<(string Term, double Weight)> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var scores = new double[_lengths.Length];
        var matched = new bool[_lengths.Length];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var any = false;
        foreach (var (term, weight) in terms)
        {
            if (!seen.Add(term) || !_postings.TryGetValue(term, out var postings))
            {
                continue;
            }

            var idf = Math.Log(1 + ((Count - postings.Count + 0.5) / (postings.Count + 0.5)));
            foreach (var (document, frequency) in postings)
            {
                scores[document] += weight * (idf * (frequency * (_k1 + 1)) /
                    (frequency + (_k1 * (1 - _b + (_b * _lengths[document] / Math.Max(_averageLength, 1))))));
                matched[document] = any = true;
            }
        }

        if (!any)
        {
            return [];
        }

        var results = new List<(int, double)>();
        for (var i = 0; i < scores.Length; i++)
        {
            if (matched[i] && scores[i] > 0)
            {
                results.Add((i, scores[i]));
            }
        }

        return results;
    }

    /// <summary>Lower-cased words of letters and digits, accents removed.</summary>
    public static List<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
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
