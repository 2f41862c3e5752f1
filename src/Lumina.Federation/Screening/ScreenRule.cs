using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lumina.Federation.Screening;

/// <summary>A rule of <c>poisoning-rules.json</c>: a pattern, or code point ranges, with its reason and examples.</summary>
internal sealed class ScreenRule
{
    /// <summary>How long one rule may read one text; a text that takes longer counts as a hit (it is made to evade the screen).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);

    public required string Id { get; init; }

    public required string Reason { get; init; }

    public Regex? Pattern { get; init; }

    public IReadOnlyList<(int First, int Last)> Ranges { get; init; } = [];

    public IReadOnlyList<string> Hits { get; init; } = [];

    public IReadOnlyList<string> Misses { get; init; } = [];

    /// <summary>Where in <paramref name="text"/> the rule matches first (index and length), or null.</summary>
    public (int Index, int Length)? Find(string text)
    {
        if (Pattern is { } pattern)
        {
            try
            {
                var match = pattern.Match(text);
                return match.Success ? (match.Index, match.Length) : null;
            }
            catch (RegexMatchTimeoutException)
            {
                return (0, Math.Min(text.Length, 60));
            }
        }

        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            var codePoint = char.IsSurrogatePair(text, i) ? char.ConvertToUtf32(text, i) : text[i];
            if (Ranges.Any(r => codePoint >= r.First && codePoint <= r.Last))
            {
                return (i, char.IsSurrogatePair(text, i) ? 2 : 1);
            }
        }

        return null;
    }

    /// <summary>Reads one rule of the rules file; a malformed one is an <see cref="InvalidDataException"/> naming it.</summary>
    public static ScreenRule Parse(JsonElement rule, int index)
    {
        var id = rule.ValueKind == JsonValueKind.Object && rule.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String && idValue.GetString() is { Length: > 0 } text
            ? text
            : throw new InvalidDataException($"The poisoning rule #{index + 1} has no id.");
        try
        {
            var kind = String(rule, "kind");
            var examples = rule.GetProperty("examples");
            return new ScreenRule
            {
                Id = id,
                Reason = String(rule, "reason"),
                Pattern = kind switch
                {
                    "regex" => new Regex(String(rule, "pattern"), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, Timeout),
                    "codepoints" => null,
                    _ => throw new InvalidDataException($"its kind is '{kind}', not 'regex' or 'codepoints'"),
                },
                Ranges = kind == "codepoints" ? ReadRanges(rule.GetProperty("ranges")) : [],
                Hits = Strings(examples.GetProperty("hit")),
                Misses = Strings(examples.GetProperty("miss")),
            };
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or ArgumentException or FormatException or OverflowException or InvalidDataException)
        {
            throw new InvalidDataException($"The poisoning rule '{id}' is malformed: {ex.Message}", ex);
        }
    }

    private static string String(JsonElement rule, string name) =>
        rule.GetProperty(name).GetString() is { Length: > 0 } value ? value : throw new InvalidDataException($"its {name} is empty");

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString() ?? throw new InvalidDataException("an example is null"))];

    /// <summary>Ranges written <c>"U+200B..U+200F"</c>, or one code point <c>"U+FEFF"</c>.</summary>
    private static (int First, int Last)[] ReadRanges(JsonElement ranges)
    {
        var read = ranges.EnumerateArray().Select(r =>
        {
            var range = r.GetString() ?? throw new InvalidDataException("a range is null");
            var ends = range.Split("..");
            var first = CodePoint(ends[0]);
            var last = ends.Length == 2 ? CodePoint(ends[1]) : ends.Length == 1 ? first : throw new InvalidDataException($"the range '{range}' is not 'U+XXXX..U+XXXX'");
            return first <= last && last <= 0x10FFFF ? (first, last) : throw new InvalidDataException($"the range '{range}' is empty or beyond U+10FFFF");
        }).ToArray();
        return read.Length > 0 ? read : throw new InvalidDataException("it has no ranges");
    }

    private static int CodePoint(string text) =>
        text.Trim() is var t && t.StartsWith("U+", StringComparison.OrdinalIgnoreCase)
            ? int.Parse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
            : throw new InvalidDataException($"'{text}' is not a code point written U+XXXX");
}
