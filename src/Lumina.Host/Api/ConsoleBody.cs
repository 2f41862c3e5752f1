using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumina.Host.Api;

/// <summary>
/// A JSON object body of the console's endpoints, read field by field so that a bad request is answered with the field
/// that is wrong (missing, of the wrong type, or not a field of the request at all) rather than a serializer's message.
/// </summary>
internal sealed class ConsoleBody
{
    private readonly JsonObject _body;

    private ConsoleBody(JsonObject body) => _body = body;

    /// <summary>The first thing found wrong, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>Reads the body as a JSON object with only <paramref name="fields"/>; the error says what is wrong when it is not one.</summary>
    public static async Task<(ConsoleBody? Body, string? Error)> ReadAsync(HttpContext context, params string[] fields)
    {
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return (null, $"The body is not JSON: {ex.Message} Send an object with {Fields(fields)}.");
        }

        if (node is not JsonObject body)
        {
            return (null, $"The body must be a JSON object with {Fields(fields)}.");
        }

        if (body.Select(p => p.Key).FirstOrDefault(k => !fields.Contains(k, StringComparer.Ordinal)) is { } unknown)
        {
            return (null, $"'{unknown}' is not a field of this request: use {Fields(fields)}.");
        }

        return (new ConsoleBody(body), null);
    }

    /// <summary>Whether the field is present (null counts as present: it asks to clear).</summary>
    public bool Has(string name) => _body.ContainsKey(name);

    /// <summary>The string field <paramref name="name"/>; null when absent or null (an error when <paramref name="required"/>).</summary>
    public string? String(string name, bool required = false)
    {
        var node = _body[name];
        if (node is null)
        {
            Fail(required ? $"'{name}' is required." : null);
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            Fail($"'{name}' must be a string, not {Kind(node)}.");
            return null;
        }

        var value = node.GetValue<string>();
        if (required && string.IsNullOrWhiteSpace(value))
        {
            Fail($"'{name}' is required and must not be empty.");
            return null;
        }

        return value;
    }

    /// <summary>The whole-number field <paramref name="name"/> between <paramref name="min"/> and <paramref name="max"/>; null when absent.</summary>
    public int? Int(string name, int min, int max)
    {
        var node = _body[name];
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !((JsonValue)node).TryGetValue<int>(out var value))
        {
            Fail($"'{name}' must be a whole number, not {Kind(node)}.");
            return null;
        }

        if (value < min || value > max)
        {
            Fail($"'{name}' must be between {min} and {max}, not {value}.");
            return null;
        }

        return value;
    }

    private void Fail(string? error) => Error ??= error;

    private static string Kind(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {node.ToJsonString()}",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Fields(string[] fields) => string.Join(", ", fields.Select(f => $"'{f}'"));
}
