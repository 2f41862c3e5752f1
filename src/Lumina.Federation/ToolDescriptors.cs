using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Lumina.Federation;

/// <summary>What of a tool is pinned (name, title, description, input and output schema, annotations), in canonical JSON, and its hash.</summary>
internal static class ToolDescriptors
{
    /// <summary>The pinned part of <paramref name="tool"/> as canonical JSON: those fields only, keys sorted at every depth.</summary>
    public static string Canonical(Tool tool)
    {
        var node = JsonSerializer.SerializeToNode(tool, McpJsonUtilities.DefaultOptions) as JsonObject ?? [];
        var pinned = new JsonObject();
        foreach (var key in new[] { "annotations", "description", "inputSchema", "name", "outputSchema", "title" })
        {
            if (node[key] is { } value)
            {
                pinned[key] = value.DeepClone();
            }
        }

        return Sorted(pinned)!.ToJsonString();
    }

    /// <summary>SHA-256 of <paramref name="canonical"/>, lowercase hex.</summary>
    public static string Hash(string canonical) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    /// <summary>A readable account of what changed between two canonical descriptors: each top-level field that differs, before and after.</summary>
    public static string Diff(string before, string after)
    {
        var old = JsonNode.Parse(before) as JsonObject ?? [];
        var now = JsonNode.Parse(after) as JsonObject ?? [];
        var lines = new List<string>();
        foreach (var key in old.Select(p => p.Key).Union(now.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            var was = old[key]?.ToJsonString();
            var is_ = now[key]?.ToJsonString();
            if (was != is_)
            {
                lines.Add($"{key}: {Cut(was) ?? "(none)"} → {Cut(is_) ?? "(none)"}");
            }
        }

        return string.Join("; ", lines);
    }

    private static string? Cut(string? text) => text is { Length: > 200 } ? text[..200] + "…" : text;

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        _ => node?.DeepClone(),
    };
}
