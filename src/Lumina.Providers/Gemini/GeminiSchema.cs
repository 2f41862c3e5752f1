using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;

namespace Lumina.Providers.Gemini;

/// <summary>
/// Rewrites a tool's parameter schema into the subset of JSON Schema that Gemini's OpenAI-compatible endpoint
/// accepts: <c>$ref</c> inlined from <c>$defs</c>, <c>anyOf</c>/<c>oneOf</c>/type arrays with <c>null</c> turned into
/// <c>nullable</c>, and <c>additionalProperties</c>, <c>$schema</c> and formats other than <c>enum</c> and
/// <c>date-time</c> dropped. Everything else passes through unchanged.
/// </summary>
/// <remarks>
/// A schema may refer to itself (a tree of nodes): inlining stops where a reference would repeat one it is already
/// inside, or nest deeper than <see cref="MaxRefDepth"/>, and leaves a loose schema of the same type there. A schema
/// whose references multiply (each level naming the next several times) is refused once it needs more than
/// <see cref="MaxExpansions"/> copies, rather than sent as megabytes.
/// </remarks>
internal static class GeminiSchema
{
    /// <summary>How deep references may nest inside one another before inlining stops.</summary>
    public const int MaxRefDepth = 8;

    /// <summary>How many references one schema may inline in all.</summary>
    public const int MaxExpansions = 256;

    private static readonly HashSet<string> s_dropped = new(StringComparer.Ordinal)
    {
        "$schema", "$id", "$comment", "$defs", "definitions", "additionalProperties",
    };

    private static readonly HashSet<string> s_formats = new(StringComparer.Ordinal) { "enum", "date-time" };

    /// <summary>The schema as Gemini takes it.</summary>
    /// <param name="schema">The tool's parameter schema.</param>
    /// <param name="toolName">The tool's name, for the error when the schema cannot be inlined.</param>
    /// <exception cref="LuminaRefusalException">The schema needs more than <see cref="MaxExpansions"/> inlined references.</exception>
    public static JsonObject Normalize(JsonElement schema, string toolName) =>
        new Walk(schema, toolName).Schema(schema) as JsonObject ?? new JsonObject { ["type"] = "object" };

    private sealed class Walk(JsonElement root, string toolName)
    {
        private readonly List<string> _inlining = [];
        private int _expansions;

        public JsonNode? Schema(JsonElement schema)
        {
            if (schema.ValueKind == JsonValueKind.True)
            {
                return new JsonObject();
            }

            if (schema.ValueKind != JsonValueKind.Object)
            {
                return Copy(schema);
            }

            var result = new JsonObject();
            JsonElement? union = null;
            foreach (var keyword in schema.EnumerateObject())
            {
                switch (keyword.Name)
                {
                    case "$ref":
                        continue;
                    case var name when s_dropped.Contains(name):
                        continue;
                    case "format":
                        if (keyword.Value.ValueKind == JsonValueKind.String && s_formats.Contains(keyword.Value.GetString()!))
                        {
                            result["format"] = Copy(keyword.Value);
                        }

                        continue;
                    case "type" when keyword.Value.ValueKind == JsonValueKind.Array:
                        Merge(result, Types(keyword.Value));
                        continue;
                    case "anyOf" or "oneOf" when keyword.Value.ValueKind == JsonValueKind.Array:
                        union = keyword.Value;
                        continue;
                    case "properties" when keyword.Value.ValueKind == JsonValueKind.Object:
                        // The keys here are property names, not keywords: a property may well be called "format".
                        var properties = new JsonObject();
                        foreach (var property in keyword.Value.EnumerateObject())
                        {
                            properties[property.Name] = Schema(property.Value);
                        }

                        result["properties"] = properties;
                        continue;
                    case "items" or "not" or "contains" or "additionalItems":
                        result[keyword.Name] = keyword.Value.ValueKind == JsonValueKind.Array ? Each(keyword.Value) : Schema(keyword.Value);
                        continue;
                    case "prefixItems" or "allOf" when keyword.Value.ValueKind == JsonValueKind.Array:
                        result[keyword.Name] = Each(keyword.Value);
                        continue;
                    default:
                        result[keyword.Name] = Copy(keyword.Value);
                        continue;
                }
            }

            if (union is { } branches)
            {
                Merge(result, Union(branches));
            }

            if (schema.TryGetProperty("$ref", out var reference))
            {
                // Keywords beside the reference (a description, most often) say more than the definition's own.
                Merge(result, Inline(reference.GetString() ?? string.Empty));
            }

            return result;
        }

        /// <summary><c>anyOf</c>/<c>oneOf</c>: the first branch that is not <c>null</c>, nullable when a <c>null</c> branch is there.</summary>
        /// <remarks>Gemini has no unions; a nullable value is the one it can say, and the kernel checks the arguments anyway.</remarks>
        private JsonObject Union(JsonElement branches)
        {
            var nullable = false;
            JsonElement? first = null;
            foreach (var branch in branches.EnumerateArray())
            {
                if (IsNullType(branch))
                {
                    nullable = true;
                }
                else
                {
                    first ??= branch;
                }
            }

            var result = first is { } chosen && Schema(chosen) is JsonObject schema ? schema : new JsonObject { ["type"] = "null" };
            if (nullable)
            {
                result["nullable"] = true;
            }

            return result;
        }

        /// <summary><c>"type": ["string", "null"]</c>, the way Microsoft.Extensions.AI writes a nullable parameter.</summary>
        private static JsonObject Types(JsonElement types)
        {
            var names = types.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToList();
            var result = new JsonObject { ["type"] = names.FirstOrDefault(t => t != "null") ?? "null" };
            if (names.Contains("null") && names.Exists(t => t != "null"))
            {
                result["nullable"] = true;
            }

            return result;
        }

        private JsonObject Inline(string reference)
        {
            var name = reference == "#" ? "#"
                : reference.StartsWith("#/$defs/", StringComparison.Ordinal) ? Unescape(reference["#/$defs/".Length..])
                : reference.StartsWith("#/definitions/", StringComparison.Ordinal) ? Unescape(reference["#/definitions/".Length..])
                : null;
            if (name is null || !TryFind(name, out var target))
            {
                // A reference that cannot be followed (another document, a deeper pointer) leaves the value unconstrained.
                return new JsonObject { ["type"] = "object" };
            }

            if (_inlining.Contains(name) || _inlining.Count >= MaxRefDepth)
            {
                return CutOff(target);
            }

            if (++_expansions > MaxExpansions)
            {
                throw new LuminaRefusalException(
                    LuminaRefusalKind.InvalidArgument,
                    $"The tool '{toolName}' cannot be offered to Gemini: its parameter schema needs more than {MaxExpansions} $ref copies once inlined (Gemini accepts no $ref). Simplify the schema or use another provider.");
            }

            _inlining.Add(name);
            try
            {
                return Schema(target) as JsonObject ?? new JsonObject { ["type"] = "object" };
            }
            finally
            {
                _inlining.RemoveAt(_inlining.Count - 1);
            }
        }

        private bool TryFind(string name, out JsonElement target)
        {
            if (name == "#")
            {
                target = root;
                return true;
            }

            target = default;
            return root.ValueKind == JsonValueKind.Object
                && (root.TryGetProperty("$defs", out var defs) || root.TryGetProperty("definitions", out defs))
                && defs.ValueKind == JsonValueKind.Object
                && defs.TryGetProperty(name, out target);
        }

        private JsonArray Each(JsonElement schemas) => [.. schemas.EnumerateArray().Select(Schema)];

        /// <summary>Where inlining stops: the definition's type and description, nothing that refers further.</summary>
        private static JsonObject CutOff(JsonElement target)
        {
            var result = new JsonObject
            {
                ["type"] = target.ValueKind == JsonValueKind.Object && target.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : "object",
            };
            if (target.ValueKind == JsonValueKind.Object && target.TryGetProperty("description", out var description))
            {
                result["description"] = Copy(description);
            }

            return result;
        }

        private static bool IsNullType(JsonElement branch) =>
            branch.ValueKind == JsonValueKind.Object && branch.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "null";

        private static string Unescape(string token) => token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

        /// <summary>Adds what <paramref name="from"/> says and <paramref name="into"/> does not.</summary>
        private static void Merge(JsonObject into, JsonObject from)
        {
            foreach (var key in from.Select(p => p.Key).ToList())
            {
                var value = from[key];
                from.Remove(key);
                into.TryAdd(key, value);
            }
        }

        private static JsonNode? Copy(JsonElement value) => JsonNode.Parse(value.GetRawText());
    }
}
