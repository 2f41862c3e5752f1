using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lumina.Federation.Screening;

/// <summary>
/// The poisoning screen: reads what an upstream server says about its tools and prompts (titles and descriptions, and
/// every title and description in their schemas, at any depth) for hidden instructions to the model, by the rules of
/// <c>poisoning-rules.json</c> (one data file; each rule carries the examples that prove it).
/// </summary>
public static class DescriptionScreen
{
    private const string Resource = "Lumina.Federation.Screening.poisoning-rules.json";

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
        var shown = new StringBuilder();
        for (var i = start; i < end; i++)
        {
            if (char.IsSurrogatePair(text, i))
            {
                shown.Append(CultureInfo.InvariantCulture, $"U+{char.ConvertToUtf32(text, i):X4}");
                i++;
            }
            else if (char.IsControl(text[i]) || CharUnicodeInfo.GetUnicodeCategory(text[i]) == UnicodeCategory.Format)
            {
                shown.Append(CultureInfo.InvariantCulture, $"U+{(int)text[i]:X4}");
            }
            else
            {
                shown.Append(text[i]);
            }
        }

        var excerpt = shown.ToString();
        return excerpt.Length > 120 ? excerpt[..117] + "..." : excerpt;
    }

    private static List<ScreenRule> Load()
    {
        using var stream = typeof(DescriptionScreen).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The poisoning rules ({Resource}) are missing from the assembly.");
        using var document = JsonDocument.Parse(stream);
        var rules = new List<ScreenRule>();
        foreach (var rule in document.RootElement.GetProperty("rules").EnumerateArray())
        {
            var id = rule.GetProperty("id").GetString() ?? throw new InvalidDataException("A poisoning rule has no id.");
            try
            {
                var examples = rule.GetProperty("examples");
                rules.Add(new ScreenRule
                {
                    Id = id,
                    Reason = rule.GetProperty("reason").GetString()!,
                    Pattern = rule.GetProperty("kind").GetString() == "regex"
                        ? new Regex(rule.GetProperty("pattern").GetString()!, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100))
                        : null,
                    Ranges = rule.TryGetProperty("ranges", out var ranges)
                        ? [.. ranges.EnumerateArray().Select(r => (r[0].GetInt32(), r[1].GetInt32()))]
                        : [],
                    Hits = [.. examples.GetProperty("hit").EnumerateArray().Select(e => e.GetString()!)],
                    Misses = [.. examples.GetProperty("miss").EnumerateArray().Select(e => e.GetString()!)],
                });
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or ArgumentException or RegexParseException)
            {
                throw new InvalidDataException($"The poisoning rule '{id}' is malformed: {ex.Message}", ex);
            }
        }

        return rules;
    }
}
