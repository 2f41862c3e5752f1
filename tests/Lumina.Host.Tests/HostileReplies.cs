using System.Text.Json.Nodes;

namespace Lumina.Host.Tests;

/// <summary>Judges a reply to a hostile item: what counts as an error, and which id it answers.</summary>
internal static class HostileReplies
{
    /// <summary>Why <paramref name="reply"/> is not the reply <paramref name="expected"/> describes, or null when it is.</summary>
    public static string? Mismatch(ExpectedReply expected, JsonNode reply)
    {
        if (reply["jsonrpc"]?.GetValueKind() != System.Text.Json.JsonValueKind.String || reply["jsonrpc"]!.GetValue<string>() != "2.0")
        {
            return "the reply is not JSON-RPC 2.0";
        }

        if (!SameId(expected.IdJson, reply["id"]))
        {
            return $"the reply's id is {reply["id"]?.ToJsonString() ?? "missing"}, not {Shorten(expected.IdJson)}";
        }

        var code = ErrorCode(reply);
        var toolError = IsToolError(reply);
        var codeAllowed = code is not null && (expected.Codes.Length == 0 || expected.Codes.Contains(code.Value));
        return expected.Kind switch
        {
            ReplyKind.Error when codeAllowed => null,
            ReplyKind.ToolError when toolError => null,
            ReplyKind.ErrorOrToolError when codeAllowed || toolError => null,
            _ => $"expected {expected.Kind}{(expected.Codes.Length > 0 ? " " + string.Join('/', expected.Codes) : string.Empty)}",
        };
    }

    /// <summary>The code of a JSON-RPC error with a message, or null when the reply is not one.</summary>
    public static int? ErrorCode(JsonNode reply) =>
        reply["error"] is JsonObject error && error["code"] is JsonValue code && code.TryGetValue<int>(out var value)
        && error["message"] is JsonValue message && message.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text)
            ? value
            : null;

    /// <summary>Whether the reply is a tool result that reports failure, with content saying why.</summary>
    public static bool IsToolError(JsonNode reply) =>
        reply["result"] is JsonObject result && result["isError"] is JsonValue flag && flag.TryGetValue<bool>(out var isError) && isError
        && result["content"] is JsonArray { Count: > 0 };

    public static bool SameId(string expectedJson, JsonNode? actual)
    {
        var expected = JsonNode.Parse(expectedJson);
        return expected is null ? actual is null : JsonNode.DeepEquals(expected, actual);
    }

    public static string Shorten(string text) => text.Length > 160 ? text[..160] + $"…({text.Length} chars)" : text;
}
