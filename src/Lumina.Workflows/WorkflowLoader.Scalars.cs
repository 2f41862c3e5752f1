using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Lumina.Workflows;

public static partial class WorkflowLoader
{
    /// <summary>The reader's checks of single values: keys of a mapping, text, numbers, booleans, durations.</summary>
    private sealed partial class Reader
    {
        private Dictionary<string, YamlNode> Keys(YamlMappingNode map, string[] known, string? id)
        {
            var keys = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (key, value) in map.Children)
            {
                var name = (key as YamlScalarNode)?.Value;
                if (name is null)
                {
                    Error(key, id, "a key must be a plain name");
                }
                else if (!known.Contains(name))
                {
                    Error(key, id, $"unknown key '{name}'{WorkflowNames.DidYouMean(name, known)}");
                }
                else
                {
                    keys[name] = value;
                }
            }

            return keys;
        }

        private YamlNode? Required(YamlMappingNode map, Dictionary<string, YamlNode> keys, string key, string? id)
        {
            if (keys.TryGetValue(key, out var node))
            {
                return node;
            }

            Error(map, id, $"'{key}' is missing");
            return null;
        }

        private YamlMappingNode? Mapping(YamlNode node, string? id, string what)
        {
            if (node is YamlMappingNode map)
            {
                return map;
            }

            Error(node, id, $"'{what}' must be a mapping");
            return null;
        }

        private string? Text(YamlNode node, string? id)
        {
            if (node is YamlScalarNode { Value: { } value } && !IsNull((YamlScalarNode)node))
            {
                return value;
            }

            Error(node, id, "expected a text value");
            return null;
        }

        private int? Int(YamlNode node, string? id)
        {
            if (Json(node) is JsonValue v && v.TryGetValue<long>(out var n) && n is >= int.MinValue and <= int.MaxValue)
            {
                return (int)n;
            }

            Error(node, id, "expected a whole number");
            return null;
        }

        private double? Number(YamlNode node, string? id)
        {
            var json = Json(node) as JsonValue;
            if (json is not null && json.TryGetValue<long>(out var n))
            {
                return n;
            }

            if (json is not null && json.TryGetValue<double>(out var d))
            {
                return d;
            }

            Error(node, id, "expected a number");
            return null;
        }

        private bool? Bool(YamlNode node, string? id)
        {
            if (Json(node) is JsonValue v && v.TryGetValue<bool>(out var b))
            {
                return b;
            }

            Error(node, id, "expected true or false");
            return null;
        }

        private TimeSpan? Duration(YamlNode node, string? id)
        {
            if (node is YamlScalarNode { Value: { } text } && ParseDuration(text.Trim()) is { } duration)
            {
                return duration;
            }

            Error(node, id, "expected a duration such as 500ms, 30s, 5m or 1h");
            return null;
        }
    }
}
