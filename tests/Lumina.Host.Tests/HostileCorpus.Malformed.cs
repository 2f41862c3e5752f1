using System.Text;

namespace Lumina.Host.Tests;

/// <summary>Probe groups of malformed messages: before initialize, broken JSON, wrong envelopes and id types, batches.</summary>
internal static partial class HostileCorpus
{
    private static void BeforeInitialize(CorpusBuilder b)
    {
        // Before the handshake stdio refuses every request but initialize and ping (issue 13): -32600, nothing runs.
        b.Request("before-initialize", "unknown method", id => Envelope(id, "\"no/such/method\""), InvalidRequest);
        b.Request("before-initialize", "unknown tool", id => Call(id, "\"no_such_tool\"", "{}"), InvalidRequest);
        b.Request("before-initialize", "extra argument", id => Call(id, "\"time_now\"", "{\"nope\":1}"), [InvalidRequest], ReplyKind.ErrorOrToolError);
        b.Request("before-initialize", "tools/list cursor of the wrong type", id => Envelope(id, "\"tools/list\"", "{\"cursor\":42}"), InvalidRequest, InvalidParams);
        b.Request("before-initialize", "resources/read of nothing", id => Envelope(id, "\"resources/read\"", "{\"uri\":\"lumina://no/such/resource\"}"), InvalidRequest, ResourceNotFound);
        b.Request("before-initialize", "params array", id => Envelope(id, "\"tools/list\"", "[1,2]"), InvalidParams);
        b.Request("before-initialize", "lone surrogate in an argument", id => Call(id, "\"time_now\"", "{\"timeZone\":\"\\uD800\"}"), InvalidParams);
        b.Unusable("before-initialize", "garbage", "initialize please", ParseError);
        b.Unusable("before-initialize", "batch", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}]", InvalidRequest);
    }

    private static void BrokenJson(CorpusBuilder b)
    {
        // Bases that fail even when parsed leniently.
        string[] bases =
        [
            """{"jsonrpc":"2.0","id":1,"method":"no/such/method","params":{"a":[1,2,{"b":"c"}]}}""",
            """{"jsonrpc":"2.0","id":"s","method":"tools/call","params":{"name":"no_such_tool","arguments":{"x":"y"}}}""",
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"time_now","arguments":{"timeZone":"Mars/Olympus_Mons"}}}""",
            """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"time_convert","arguments":{"dateTime":"x","fromZone":"UTC","toZone":"UTC"}}}""",
            """{"jsonrpc":"2.0","id":5,"method":"resources/read","params":{"uri":"lumina://no/such/resource"}}""",
            """{"jsonrpc":"2.0","id":6,"method":"prompts/get","params":{"name":"no_such_prompt","arguments":{"k":"v"}}}""",
        ];
        foreach (var text in bases)
        {
            // Truncated at 12 seeded points.
            for (var i = 0; i < 12; i++)
            {
                var cut = b.Random.Next(1, text.Length - 1);
                b.Unusable("broken-json", $"truncated at {cut}", text[..cut], ParseError);
            }

            foreach (var garbage in new[] { "x", "}", "]", ",", " {}", "{\"jsonrpc\":\"2.0\"}", "\u0000", " // c", " /* c */", ";", " null", "\"\"" })
            {
                b.Unusable("broken-json", $"trailing {Describe(garbage)}", text + garbage, ParseError);
            }

            b.Unusable("broken-json", "unbalanced open", "{" + text, ParseError);
            b.Unusable("broken-json", "missing last brace", text[..^1], ParseError);
            b.Unusable("broken-json", "extra bracket inside", text.Replace("{\"", "{[\"", StringComparison.Ordinal), ParseError);
            b.Unusable("broken-json", "trailing comma", text[..^1] + ",}", ParseError);
            b.Unusable("broken-json", "single quotes", text.Replace('"', '\''), ParseError);
            b.Unusable("broken-json", "unquoted keys", text.Replace("\"jsonrpc\"", "jsonrpc", StringComparison.Ordinal), ParseError);
            b.Unusable("broken-json", "comment inside", text.Replace(",", "/* c */,", StringComparison.Ordinal), ParseError);
            b.Unusable("broken-json", "line comment", text.Insert(1, "// hi\r"), ParseError);
            foreach (var word in new[] { "NaN", "Infinity", "-Infinity", "+1", "0x10", "01", "1.", ".5", "undefined", "True", "nul" })
            {
                b.Unusable("broken-json", $"{word} as id", Replace(text, "\"id\":", $"\"id\":{word},\"x\":"), ParseError);
            }

            b.RawUnusable("broken-json", "utf-8 BOM", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)], ParseError);
            b.RawUnusable("broken-json", "utf-16 BOM", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)], ParseError);
            b.RawUnusable("broken-json", "utf-16le body", Encoding.Unicode.GetBytes(text), ParseError);
            foreach (var (name, bytes) in new (string, byte[])[]
            {
                ("0xFF", [0xFF]), ("overlong slash", [0xC0, 0xAF]), ("lone continuation", [0x80]), ("cut sequence", [0xE2, 0x82]),
                ("utf-8 surrogate", [0xED, 0xA0, 0x80]), ("beyond U+10FFFF", [0xF4, 0x90, 0x80, 0x80]), ("raw NUL", [0x00]),
                ("raw control", [0x01, 0x1F]), ("raw tab", [0x09]), ("5-byte form", [0xF8, 0x88, 0x80, 0x80, 0x80]),
            })
            {
                // Inside the first string value: invalid UTF-8 and raw control characters are not JSON text.
                var utf8 = Encoding.UTF8.GetBytes(text);
                var at = Array.IndexOf(utf8, (byte)'"', text.IndexOf(":\"", StringComparison.Ordinal) + 2);
                b.RawUnusable("broken-json", $"{name} in a string", [.. utf8[..at], .. bytes, .. utf8[at..]], ParseError, InvalidRequest);
            }
        }

        foreach (var text in new[] { "{", "}", "[", "]", "\"", "{\"", "{\"jsonrpc\"", "{\"jsonrpc\":", "{:}", "{,}", "{\"a\"}", "nul", "tru", "-", "1e", "\"\\u12\"", "\"\\x41\"", "\"\\", "{\"a\":\"\\uD800\\\"}" })
        {
            b.Unusable("broken-json", $"fragment {Describe(text)}", text, ParseError);
        }
    }

    private static void WrongEnvelope(CorpusBuilder b)
    {
        string[] versions = ["", "\"jsonrpc\":\"1.0\",", "\"jsonrpc\":\"2\",", "\"jsonrpc\":2.0,", "\"jsonrpc\":2,", "\"jsonrpc\":null,", "\"jsonrpc\":true,",
            "\"jsonrpc\":\"\",", "\"jsonrpc\":\"2.0 \",", "\"jsonrpc\":\"２.０\",", "\"jsonrpc\":[\"2.0\"],", "\"jsonrpc\":{\"v\":\"2.0\"},", "\"JSONRPC\":\"2.0\",", "\"jsonrpc\":\"3.0\","];
        string[] methods = ["\"no/such/method\"", "\"tools/list\"", "\"ping\""];
        foreach (var version in versions)
        {
            foreach (var method in methods)
            {
                b.Request("wrong-envelope", $"jsonrpc {Describe(version)} with {method}", id => $"{{{version}\"id\":{id},\"method\":{method}}}", InvalidRequest);
            }
        }

        string[] badIds = ["{}", "{\"a\":1}", "[]", "[1]", "true", "false", "1.5", "-2.25", "1e400", "1E2", "0.1e1", "1.0", "18446744073709551616",
            "-9223372036854775809", "9223372036854775808", Digits(100), "-" + Digits(100), "1e-400", "[\"id\"]", "{\"id\":1}"];
        foreach (var badId in badIds)
        {
            foreach (var method in new[] { "\"no/such/method\"", "\"tools/call\"" })
            {
                b.Unusable("wrong-id-type", $"id {Describe(badId)} on {method}", $"{{\"jsonrpc\":\"2.0\",\"id\":{badId},\"method\":{method},\"params\":{{\"name\":\"no_such_tool\"}}}}", InvalidRequest);
            }
        }

        b.Unusable("wrong-id-type", "id null on a request", "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"no/such/method\"}", InvalidRequest);
        foreach (var method in new[] { "42", "null", "true", "{}", "[]", "\"\"", "[\"tools/list\"]", "{\"name\":\"tools/list\"}", "1e400" })
        {
            b.Request("wrong-envelope", $"method {Describe(method)}", id => $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":{method}}}", InvalidRequest);
        }

        foreach (var parameters in new[] { "[1,2]", "[]", "[{}]", "\"x\"", "42", "true", "false", "1e400", "\"\"", "[null]" })
        {
            foreach (var method in new[] { "\"tools/list\"", "\"tools/call\"", "\"no/such/method\"" })
            {
                b.Request("wrong-envelope", $"params {Describe(parameters)} on {method}", id => Envelope(id, method, parameters), InvalidParams);
            }
        }

        b.Request("wrong-envelope", "no method, no result", id => $"{{\"jsonrpc\":\"2.0\",\"id\":{id}}}", InvalidRequest);
        b.Request("wrong-envelope", "params only", id => $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"params\":{{}}}}", InvalidRequest);
        b.Request("wrong-envelope", "error not an object", id => $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"error\":\"bad\"}}", InvalidRequest);
        b.Request("wrong-envelope", "error null", id => $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"error\":null}}", InvalidRequest);
        foreach (var top in new[] { "42", "\"str\"", "null", "true", "false", "-0", "1e400", "\"{\\\"jsonrpc\\\":\\\"2.0\\\"}\"" })
        {
            b.Unusable("wrong-envelope", $"top-level {Describe(top)}", top, InvalidRequest);
        }

        foreach (var typed in new[]
        {
            ("tools/call", "{\"name\":42}"), ("tools/call", "{\"name\":null}"), ("tools/call", "{\"name\":[\"time_now\"]}"), ("tools/call", "{\"name\":{}}"),
            ("tools/call", "{\"name\":\"time_now\",\"arguments\":\"x\"}"), ("tools/call", "{\"name\":\"time_now\",\"arguments\":[1]}"),
            ("tools/call", "{\"name\":\"time_now\",\"arguments\":42}"), ("tools/call", "{\"name\":\"no_such_tool\",\"_meta\":[1]}"),
            ("tools/call", "{\"name\":\"no_such_tool\",\"_meta\":{\"progressToken\":true}}"), ("tools/list", "{\"cursor\":42}"), ("tools/list", "{\"cursor\":{}}"),
            ("prompts/get", "{\"name\":42}"), ("prompts/get", "{}"), ("resources/read", "{\"uri\":42}"), ("resources/read", "{}"), ("resources/read", "{\"uri\":\"\"}"),
            ("resources/subscribe", "{}"), ("resources/subscribe", "{\"uri\":[]}"), ("resources/unsubscribe", "{\"uri\":1}"), ("logging/setLevel", "{\"level\":\"loud\"}"),
            ("logging/setLevel", "{\"level\":[\"debug\"]}"), ("logging/setLevel", "{}"), ("completion/complete", "{}"), ("completion/complete", "{\"ref\":42,\"argument\":{}}"),
            ("completion/complete", "{\"ref\":{\"type\":\"ref/nothing\"},\"argument\":{\"name\":\"a\",\"value\":\"b\"}}"),
            ("resources/templates/list", "{\"cursor\":[]}"), ("prompts/list", "{\"cursor\":true}"), ("initialize", "{\"protocolVersion\":42}"),
        })
        {
            b.Request("wrong-param-types", $"{typed.Item1} {typed.Item2}", id => Envelope(id, $"\"{typed.Item1}\"", typed.Item2), s_badParams);
        }
    }

    private static void Batches(CorpusBuilder b)
    {
        string[] members =
        [
            """{"jsonrpc":"2.0","id":1,"method":"ping"}""", """{"jsonrpc":"2.0","method":"notifications/initialized"}""",
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"time_now"}}""", """{"jsonrpc":"2.0","id":3,"result":{}}""",
            "42", "\"x\"", "null", "{}", "[]", """[{"jsonrpc":"2.0","id":4,"method":"ping"}]""",
        ];
        b.Unusable("batch", "empty", "[]", InvalidRequest);
        b.Unusable("batch", "empty with spaces", " [ ] ", InvalidRequest);
        for (var i = 0; i < members.Length; i++)
        {
            b.Unusable("batch", $"single {i}", $"[{members[i]}]", InvalidRequest);
        }

        for (var i = 0; i < 40; i++)
        {
            var count = b.Random.Next(2, 12);
            var parts = Enumerable.Range(0, count).Select(_ => members[b.Random.Next(members.Length)]);
            b.Unusable("batch", $"mixed {i} ({count} members)", "[" + string.Join(',', parts) + "]", InvalidRequest);
        }

        b.Unusable("batch", "nested 3", "[[[" + members[0] + "]]]", InvalidRequest);
        b.Unusable("batch", "10,000 members", "[" + string.Join(',', Enumerable.Repeat(members[0], 10_000)) + "]", InvalidRequest);
    }
}
