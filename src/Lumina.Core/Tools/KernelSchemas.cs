using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tools;

/// <summary>JSON Schemas of kernel functions as MCP publishes them.</summary>
internal static class KernelSchemas
{
    private static readonly JsonElement s_stringSchema = JsonDocument.Parse("""{"type":"string"}""").RootElement.Clone();

    /// <summary>The input schema: an object with one property per parameter, required ones listed.</summary>
    public static JsonElement Input(LuminaFunction function)
    {
        if (function.Tool?.InputSchema is { } declared)
        {
            return JsonDocument.Parse(declared).RootElement.Clone();
        }

        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var parameter in function.Function.Metadata.Parameters)
        {
            properties[parameter.Name] = Parameter(parameter);
            if (function.Headers.TryGetValue(parameter.Name, out var header))
            {
                properties[parameter.Name]!["x-mcp-header"] = header;
            }

            if (parameter.IsRequired)
            {
                required.Add(parameter.Name);
            }
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        return JsonSerializer.SerializeToElement(schema, LuminaJson.Options);
    }

    /// <summary>The schema of one parameter, with its description and default.</summary>
    public static JsonObject Parameter(KernelParameterMetadata parameter)
    {
        var node = JsonNode.Parse((parameter.Schema?.RootElement ?? s_stringSchema).GetRawText())!.AsObject();

        // Semantic Kernel copies the description into the schema under keys of its own in some cases; keep one plain description.
        node.Remove("condition");
        if (!string.IsNullOrWhiteSpace(parameter.Description))
        {
            node["description"] = parameter.Description;
        }

        if (!parameter.IsRequired && parameter.DefaultValue is { } value && value is not DBNull)
        {
            node["default"] = Default(value, parameter.ParameterType);
        }

        return node;
    }

    /// <summary>Semantic Kernel keeps defaults as text; publish them in the parameter's own JSON type.</summary>
    private static JsonNode? Default(object value, Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (value is string text && type is not null && (type.IsPrimitive || type == typeof(decimal)))
        {
            try
            {
                return JsonNode.Parse(type == typeof(bool) ? text.ToLowerInvariant() : text);
            }
            catch (JsonException)
            {
                return text;
            }
        }

        return JsonSerializer.SerializeToNode(value, value.GetType(), LuminaJson.Options);
    }

    /// <summary>The values a parameter may take, from a declared completion list or the schema's <c>enum</c>.</summary>
    public static IReadOnlyList<string> Values(LuminaFunction function, string parameterName)
    {
        if (function.Completions.TryGetValue(parameterName, out var declared))
        {
            return declared;
        }

        var parameter = function.Function.Metadata.Parameters.FirstOrDefault(p => string.Equals(p.Name, parameterName, StringComparison.Ordinal));
        if (parameter?.Schema is { } schema && schema.RootElement.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            return [.. values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)];
        }

        if (function.Template?.InputVariables.FirstOrDefault(v => v.Name == parameterName) is { JsonSchema: { } json })
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.TryGetProperty("enum", out var templateValues) && templateValues.ValueKind == JsonValueKind.Array)
            {
                return [.. templateValues.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)];
            }
        }

        return [];
    }

    /// <summary>
    /// The output schema of a function whose return type is a plain object (a record or class), so its results can
    /// be sent as structured content. Strings, rich content, collections and primitives have none.
    /// </summary>
    /// <param name="function">The function.</param>
    /// <param name="snapshot">Where schemas built at an earlier start are kept, if anywhere.</param>
    public static JsonElement? Output(LuminaFunction function, OutputSchemaSnapshot? snapshot = null)
    {
        if (LuminaDescribed.Of(function.Function) is { } described)
        {
            return described.OutputSchema;
        }

        var type = ResultType(function);
        if (type is null || !IsStructured(type))
        {
            return null;
        }

        return snapshot is null ? Output(type) : snapshot.Get(type, Output);
    }

    /// <summary>The output schema of a structured result type: an object's schema, or none.</summary>
    internal static JsonElement? Output(Type type)
    {
        var schema = AIJsonUtilities.CreateJsonSchema(type, serializerOptions: LuminaJson.Options);
        return schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "object"
            ? ObjectSubschemas(schema)
            : null;
    }

    /// <summary>
    /// The schema with every boolean subschema written as an object (<c>true</c> as <c>{}</c>, <c>false</c> as
    /// <c>{"not":{}}</c>): JSON Schema allows both, MCP's wire schema wants objects (a <c>JsonElement</c> property's
    /// schema is <c>true</c>).
    /// </summary>
    internal static JsonElement ObjectSubschemas(JsonElement schema)
    {
        var node = JsonNode.Parse(schema.GetRawText())!;
        Rewrite(node);
        return JsonSerializer.SerializeToElement(node, LuminaJson.Options);

        static void Rewrite(JsonNode? node)
        {
            if (node is JsonArray array)
            {
                foreach (var item in array)
                {
                    Rewrite(item);
                }

                return;
            }

            if (node is not JsonObject obj)
            {
                return;
            }

            foreach (var (key, value) in obj.ToList())
            {
                if (key is "properties" or "$defs" or "definitions" or "patternProperties" && value is JsonObject members)
                {
                    foreach (var (name, member) in members.ToList())
                    {
                        if (member is JsonValue flag && flag.TryGetValue<bool>(out var allowed))
                        {
                            members[name] = allowed ? new JsonObject() : new JsonObject { ["not"] = new JsonObject() };
                        }
                    }
                }
                else if (key is "items" && value is JsonValue itemFlag && itemFlag.TryGetValue<bool>(out var items))
                {
                    obj[key] = items ? new JsonObject() : new JsonObject { ["not"] = new JsonObject() };
                }

                Rewrite(obj[key]);
            }
        }
    }

    /// <summary>The declared result type, unwrapped from Task/ValueTask.</summary>
    public static Type? ResultType(LuminaFunction function)
    {
        var type = function.Function.UnderlyingMethod?.ReturnType;
        if (type is null)
        {
            return null;
        }

        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            return type.GetGenericArguments()[0];
        }

        return type == typeof(Task) || type == typeof(ValueTask) || type == typeof(void) ? null : type;
    }

    public static bool IsStructured(Type type) =>
        type is { IsClass: true } or { IsValueType: true, IsPrimitive: false, IsEnum: false }
        && type != typeof(string)
        && type != typeof(decimal) && type != typeof(DateTime) && type != typeof(DateTimeOffset) && type != typeof(TimeSpan) && type != typeof(Guid)
        && Nullable.GetUnderlyingType(type) is null
        && !typeof(LuminaContent).IsAssignableFrom(type)
        && type != typeof(LuminaResult)
        && type != typeof(JsonElement) && type != typeof(JsonDocument) && !typeof(JsonNode).IsAssignableFrom(type)
        && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type)
        && !typeof(KernelContent).IsAssignableFrom(type)
        && type != typeof(object);
}
