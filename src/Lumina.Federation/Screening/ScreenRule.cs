using System.Text.RegularExpressions;

namespace Lumina.Federation.Screening;

/// <summary>A rule of <c>poisoning-rules.json</c>: a pattern, or code point ranges, with its reason and examples.</summary>
internal sealed class ScreenRule
{
    public required string Id { get; init; }

    public required string Reason { get; init; }

    public Regex? Pattern { get; init; }

    public IReadOnlyList<(int First, int Last)> Ranges { get; init; } = [];

    public IReadOnlyList<string> Hits { get; init; } = [];

    public IReadOnlyList<string> Misses { get; init; } = [];

    /// <summary>Where in <paramref name="text"/> the rule matches (index and length), or null.</summary>
    public (int Index, int Length)? Find(string text)
    {
        if (Pattern is { } pattern)
        {
            var match = pattern.Match(text);
            return match.Success ? (match.Index, match.Length) : null;
        }

        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            var codePoint = char.ConvertToUtf32(text, i) is var c && Ranges.Any(r => c >= r.First && c <= r.Last);
            if (codePoint)
            {
                return (i, char.IsSurrogatePair(text, i) ? 2 : 1);
            }
        }

        return null;
    }
}
