using System.Text;
using System.Text.Json;

namespace Lumina.Bench.Compare;

/// <summary>The few JSON-RPC messages the benchmark sends, and the checks on what comes back.</summary>
internal static class JsonRpc
{
    public const string ProtocolVersion = "2025-11-25";

    /// <summary>The stateless revision: no <c>initialize</c>, no session; each request says who it is in <c>params._meta</c>.</summary>
    public const string StatelessProtocolVersion = "2026-07-28";

    public static string Initialize(long id) =>
        $$$$"""{"jsonrpc":"2.0","id":{{{{id}}}},"method":"initialize","params":{"protocolVersion":"{{{{ProtocolVersion}}}}","capabilities":{},"clientInfo":{"name":"lumina-bench","version":"1.0.0"}}}""";

    public const string Initialized = """{"jsonrpc":"2.0","method":"notifications/initialized"}""";

    public static string ToolsList(long id) => $$$$"""{"jsonrpc":"2.0","id":{{{{id}}}},"method":"tools/list"}""";

    /// <summary>A tools/call of echo; <paramref name="message"/> is plain ASCII chosen by the driver (no escaping needed).</summary>
    public static string Echo(long id, string message) =>
        $$$$"""{"jsonrpc":"2.0","id":{{{{id}}}},"method":"tools/call","params":{"name":"echo","arguments":{"message":"{{{{message}}}}"}}}""";

    /// <summary>
    /// A 2026-07-28 tools/call of echo: with no session, the protocol version, the client's capabilities and its info
    /// travel in <c>params._meta</c> of every request (the server names any that is missing).
    /// </summary>
    public static string EchoStateless(long id, string message) =>
        $$$$$"""{"jsonrpc":"2.0","id":{{{{{id}}}}},"method":"tools/call","params":{"name":"echo","arguments":{"message":"{{{{{message}}}}}"},"_meta":{"io.modelcontextprotocol/protocolVersion":"{{{{{StatelessProtocolVersion}}}}}","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"lumina-bench","version":"1.0.0"}}}}""";

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The id of a message, or null for a notification.</summary>
    public static long? Id(JsonElement message) =>
        message.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetInt64() : null;

    public static bool IsRequestFromServer(JsonElement message) => message.TryGetProperty("method", out _) && Id(message) is not null;

    /// <summary>The result of a reply, or a failure naming the error.</summary>
    public static JsonElement Result(JsonElement reply, string what)
    {
        if (reply.TryGetProperty("error", out var error))
        {
            throw new BenchFailure($"{what}: JSON-RPC error {error.GetRawText()}");
        }

        if (!reply.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Object)
        {
            throw new BenchFailure($"{what}: reply without a result: {reply.GetRawText()}");
        }

        return result;
    }

    /// <summary>A correct echo is exactly one text block reading <c>Echo: {message}</c>; anything else fails the run.</summary>
    public static void CheckEcho(JsonElement reply, string message)
    {
        var result = Result(reply, "tools/call echo");
        if (result.TryGetProperty("isError", out var isError) && isError.ValueKind == JsonValueKind.True)
        {
            throw new BenchFailure($"tools/call echo: tool error {result.GetRawText()}");
        }

        if (!result.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array || content.GetArrayLength() != 1
            || content[0].GetProperty("type").GetString() != "text" || content[0].GetProperty("text").GetString() != "Echo: " + message)
        {
            throw new BenchFailure($"tools/call echo: wrong answer for '{message}': {result.GetRawText()}");
        }
    }

    public static void CheckToolsList(JsonElement reply)
    {
        var result = Result(reply, "tools/list");
        if (!result.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array
            || !tools.EnumerateArray().Any(t => t.TryGetProperty("name", out var name) && name.GetString() == "echo"))
        {
            throw new BenchFailure("tools/list: no tool named echo");
        }
    }
}
