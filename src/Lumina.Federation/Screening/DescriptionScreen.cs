using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lumina.Federation.Screening;

/// <summary>
/// The poisoning screen: reads what an upstream server says about its tools and prompts (titles and descriptions, and
/// every title and description in their schemas, at any depth) for hidden instructions to the model, by the rules of
/// <c>poisoning-rules.json</c> (one data file; each rule carries the examples that prove it).
/// </summary>
public static class DescriptionScreen
{
    private const string Resource = "Lumina.Federation.Screening.poisoning-rules.json";

    /// <summary>The longest an excerpt is.</summary>
    public const int MaxExcerpt = 120;

    private static readonly Lazy<IReadOnlyList<ScreenRule>> s_rules = new(Load);

    internal static IReadOnlyList<ScreenRule> Rules => s_rules.Value;

    /// <summary>The hits in <paramref name="text"/>, found at <paramref name="field"/>.</summary>
    public static IReadOnlyList<ScreenHit> Scan(string field, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var hits = new List<ScreenHit>();
        foreach (var rule in Rules)
        {
            if (rule.Find(text) is { } found)
            {
                hits.Add(new ScreenHit(rule.Id, rule.Reason, field, Excerpt(text, found.Index, found.Length)));
            }
        }

        return hits;
    }

    /// <summary>The hits in an MCP tool descriptor: its title and description, and every title and description in its schemas.</summary>
    public static IReadOnlyList<ScreenHit> ScanTool(JsonElement tool) => ScanFields(tool, ["title", "description", "inputSchema", "outputSchema", "annotations"]);

    /// <summary>The hits in an MCP prompt descriptor: its title and description, and its arguments'.</summary>
    public static IReadOnlyList<ScreenHit> ScanPrompt(JsonElement prompt) => ScanFields(prompt, ["title", "description", "arguments"]);

    private static List<ScreenHit> ScanFields(JsonElement element, string[] fields)
    {
        var hits = new List<ScreenHit>();
        if (element.ValueKind != JsonValueKind.Object)
        {
            return hits;
        }

        foreach (var field in fields)
        {
            if (element.TryGetProperty(field, out var value))
            {
                Walk(value, field, field is "title" or "description", hits);
            }
        }

        return hits;
    }

    /// <summary>Scans the strings under <paramref name="element"/> that are titles or descriptions (or all of them, for a top-level one).</summary>
    private static void Walk(JsonElement element, string path, bool scan, List<ScreenHit> hits)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String when scan:
                hits.AddRange(Scan(path, element.GetString()));
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, $"{path}.{property.Name}", property.Name is "title" or "description", hits);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, $"{path}[{index++}]", scan, hits);
                }

                break;
        }
    }

    /// <summary>Up to 30 characters each side of the match, invisible and control characters as <c>U+XXXX</c>, at most 120 characters.</summary>
    private static string Excerpt(string text, int index, int length)
    {
        var start = Math.Max(0, index - 30);
        var end = Math.Min(text.Length, index + length + 30);
        if (start > 0 && char.IsLowSurrogate(text[start]))
        {
            start--;
        }

        var shown = new StringBuilder();
        for (var i = start; i < end; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            var codePoint = char.IsSurrogatePair(text, i) ? char.ConvertToUtf32(text, i) : text[i];
            if (text[i] is '\n' or '\r' or '\t')
            {
                shown.Append(' ');
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(codePoint) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                shown.Append(CultureInfo.InvariantCulture, $"U+{codePoint:X4}");
            }
            else
            {
                shown.Append(text, i, char.IsSurrogatePair(text, i) ? 2 : 1);
            }
        }

        var excerpt = shown.ToString();
        return excerpt.Length > MaxExcerpt ? excerpt[..(MaxExcerpt - 1)] + "…" : excerpt;
    }

    private static List<ScreenRule> Load()
    {
        using var stream = typeof(DescriptionScreen).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The poisoning rules ({Resource}) are missing from the assembly.");
        return Load(stream);
    }

    /// <summary>Reads a rules file: a malformed rule, or two rules with one id, is an <see cref="InvalidDataException"/> naming the rule.</summary>
    internal static List<ScreenRule> Load(Stream stream)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(stream).RootElement;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The poisoning rules are not JSON: {ex.Message}", ex);
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("rules", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("The poisoning rules file has no \"rules\" array.");
        }

        var rules = new List<ScreenRule>();
        foreach (var (rule, index) in array.EnumerateArray().Select((r, i) => (r, i)))
        {
            var parsed = ScreenRule.Parse(rule, index);
            if (rules.Any(r => r.Id == parsed.Id))
            {
                throw new InvalidDataException($"The poisoning rule '{parsed.Id}' is there twice.");
            }

            rules.Add(parsed);
        }

        return rules;
    }
}
