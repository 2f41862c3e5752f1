using System.Globalization;
using System.Text;

namespace Lumina.Host.Tests;

/// <summary>What the stdio host must answer to one line of a hostile item.</summary>
internal enum ReplyKind
{
    /// <summary>A JSON-RPC error whose code is one of the allowed codes (any code when none are listed).</summary>
    Error,

    /// <summary>A tools/call result with <c>isError: true</c>: a well-formed call to a real tool with bad arguments.</summary>
    ToolError,

    /// <summary>Either: a JSON-RPC error with an allowed code, or a tool result with <c>isError: true</c>.</summary>
    ErrorOrToolError,
}

/// <summary>One reply the stdio host owes: its id as JSON text (<c>null</c> for unparseable input) and its kind.</summary>
internal sealed record ExpectedReply(string IdJson, ReplyKind Kind, params int[] Codes);

/// <summary>
/// One hostile input: the lines sent (one JSON-RPC message or piece of garbage each), what stdio must answer, and
/// whether it carries a usable request id (then HTTP must answer it with an error, not just accept it).
/// </summary>
internal sealed record HostileItem(int Number, string Category, string Name, IReadOnlyList<byte[]> Lines, IReadOnlyList<ExpectedReply> Replies, bool HasUsableId)
{
    /// <summary>Whether any line passes the size limit: stdio refuses it as too large, HTTP with 413.</summary>
    public bool Oversize => Lines.Any(l => l.Length > HostileCorpus.MaxMessageBytes);

    public override string ToString() => $"#{Number} {Category}/{Name}";
}

/// <summary>
/// A deterministic corpus of malformed and hostile JSON-RPC requests (issue 5, item 7). Every request that would
/// succeed if the server were lenient is built on a base that must fail anyway (unknown method, unknown tool, bad
/// arguments), so a server that tolerates the malformation still owes an error, never a result.
/// </summary>
/// <remarks>
/// Replies over stdio follow the stdin guard's contract: unparseable lines get -32700 with id null; valid JSON that is
/// not a JSON-RPC message gets -32600 (with the id when it is a string or an integer, else null); a non-object
/// <c>params</c> gets -32602; batches get -32600; unknown methods -32601; unknown tools -32602; wrong-typed params of
/// known methods are refused by the SDK (-32602 or its generic -32603); a real tool called with wrong, missing or extra
/// arguments answers a tool result with <c>isError</c>; notifications and stray responses get nothing.
/// </remarks>
internal static class HostileCorpus
{
    /// <summary>The message size limit both hosts are started with (stdio line, HTTP body).</summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    public const int Seed = 20261123;

    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;
    public const int ParseError = -32700;
    public const int ResourceNotFound = -32002;

    private static readonly Lazy<IReadOnlyList<HostileItem>> s_items = new(Generate);

    /// <summary>The corpus, the same on every run (a fixed seed, no clock, no machine state).</summary>
    public static IReadOnlyList<HostileItem> Items => s_items.Value;

    /// <summary>Codes the SDK answers when a known method's params have the wrong shape.</summary>
    private static readonly int[] s_badParams = [InvalidParams, InternalError, ResourceNotFound];

    private static readonly string[] s_oddUnicode =
    [
        "\u202Etime_now", "time\u200B_now", "time_now\u200D", "\uFEFFtime_now", "time_now\u2060", "ｔｉｍｅ＿ｎｏｗ", "tіme_now",
        "TIME_NOW", "time_now\u0000", "\U0001F600", "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466", "caf\u00E9", "cafe\u0301",
        "e" + new string('\u0301', 2000), "\U0001F3F3\uFE0F\u200D\U0001F308" + string.Concat(Enumerable.Repeat("\U0001F44D\U0001F3FD", 300)),
        "\u0627\u0644\u0639\u0631\u0628\u064A\u0629\u202Bx\u202C", "\u0000\u0001\u001F", "\uFFFD\uFFFE\uFFFF", "a\u2028b\u2029c",
        "../../../../etc/passwd", "C:\\Windows\\System32", "%00%ff%c0%af", "${jndi:ldap://x}", "'; DROP TABLE facts; --", "<script>alert(1)</script>",
        "\U000E0041\U000E0042", "\u1100\u1161\u11A8", "Z\u0351\u0334\u0335\u0336\u0337\u0338\u0321\u0322",
    ];

    /// <summary>Builds the corpus afresh (the tests compare two builds to show it is deterministic).</summary>
    internal static IReadOnlyList<HostileItem> Generate()
    {
        var builder = new CorpusBuilder(new Random(Seed));
        BeforeInitialize(builder);
        BrokenJson(builder);
        WrongEnvelope(builder);
        Batches(builder);
        HugeNumbers(builder);
        HugeStrings(builder);
        DeepNesting(builder);
        OddUnicode(builder);
        UnknownMethodsAndTools(builder);
        BadToolArguments(builder);
        DuplicateIds(builder);
        DuplicateKeys(builder);
        Notifications(builder);
        StrayResponses(builder);
        return builder.Items;
    }

    /// <summary>Items stdio sends before <c>initialize</c> (a host must refuse them as it would after).</summary>
    public static bool IsBeforeInitialize(HostileItem item) => item.Category == "before-initialize";

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

    private static void HugeNumbers(CorpusBuilder b)
    {
        string[] numbers = ["1e400", "-1e400", "18446744073709551616", "18446744073709551615", "-9223372036854775809", "-0", "-0.0", "0e0",
            Digits(100), "-" + Digits(100), "1e-400", "4.9e-324", "1.7976931348623157e309", "123456789012345678901234567890.5", "2147483648", "-2147483649"];
        foreach (var number in numbers)
        {
            // A number where a string belongs.
            b.Tool("huge-numbers", $"timeZone {number}", id => Call(id, "\"time_now\"", $"{{\"timeZone\":{number}}}"));
            b.Tool("huge-numbers", $"dateTime {number}", id => Call(id, "\"time_add\"", $"{{\"dateTime\":{number},\"duration\":\"P1D\"}}"));

            // A number where an integer belongs, out of range or fractional (or in range, on a file that is not there).
            b.Tool("huge-numbers", $"startLine {number}", id => Call(id, "\"files_read\"", $"{{\"path\":\"no/such/file.txt\",\"startLine\":{number}}}"));
            b.Tool("huge-numbers", $"endLine {number}", id => Call(id, "\"files_read\"", $"{{\"path\":\"no/such/file.txt\",\"endLine\":{number}}}"));

            // As an extra argument, and as the name of nothing.
            b.Tool("huge-numbers", $"extra {number}", id => Call(id, "\"time_now\"", $"{{\"n\":{number}}}"));
            b.Request("huge-numbers", $"tool name {number}", id => Call(id, number, "{}"), s_badParams);
            b.Request("huge-numbers", $"in params of unknown method {number}", id => Envelope(id, "\"no/such/method\"", $"{{\"n\":{number},\"a\":[{number},{number}]}}"), MethodNotFound);
            b.Request("huge-numbers", $"progress token {number}", id => Envelope(id, "\"tools/call\"", $"{{\"name\":\"no_such_tool\",\"_meta\":{{\"progressToken\":{number}}}}}"), s_badParams);
        }

        // Integer ids at the edges of range are usable ids: the answer carries them back.
        foreach (var id in new[] { "9223372036854775807", "-9223372036854775808", "0", "-1" })
        {
            b.Request("huge-numbers", $"id {id}", _ => $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"no/such/method\"}}", id, MethodNotFound);
        }
    }

    private static void HugeStrings(CorpusBuilder b)
    {
        foreach (var megabytes in new[] { 1.0, 2.0, 3.5 })
        {
            var text = new string('a', (int)(megabytes * 1024 * 1024));
            b.Tool("huge-strings", $"{megabytes} MB argument value", id => Call(id, "\"time_now\"", $"{{\"timeZone\":\"{text}\"}}"));
            b.Tool("huge-strings", $"{megabytes} MB argument key", id => Call(id, "\"time_now\"", $"{{\"{text}\":1}}"));
            b.Request("huge-strings", $"{megabytes} MB tool name", id => Call(id, $"\"{text}\"", "{}"), InvalidParams);
            b.Request("huge-strings", $"{megabytes} MB method", id => Envelope(id, $"\"{text}\""), MethodNotFound);
        }

        b.Request("huge-strings", "1 MB string id", _ => $"{{\"jsonrpc\":\"2.0\",\"id\":\"{new string('i', 1024 * 1024)}\",\"method\":\"no/such/method\"}}", $"\"{new string('i', 1024 * 1024)}\"", MethodNotFound);
        b.Request("huge-strings", "many escapes", id => Call(id, "\"time_now\"", $"{{\"timeZone\":\"{string.Concat(Enumerable.Repeat("\\u0041\\n\\\"", 100_000))}\"}}"), [], ReplyKind.ToolError);

        // Past the limit: refused before parsing, with id null (the guard cannot know it), and 413 over HTTP.
        foreach (var megabytes in new[] { 4.5, 5.0, 8.0 })
        {
            var text = new string('b', (int)(megabytes * 1024 * 1024));
            b.Unusable("huge-strings", $"{megabytes} MB argument (over the limit)", Call("\"big\"", "\"time_now\"", $"{{\"timeZone\":\"{text}\"}}"), InvalidRequest);
        }

        b.Unusable("huge-strings", "8 MB of garbage (over the limit)", new string('x', 8 * 1024 * 1024), InvalidRequest);
    }

    private static void DeepNesting(CorpusBuilder b)
    {
        foreach (var depth in new[] { 65, 100, 1_000, 5_000, 10_000, 50_000, 100_000 })
        {
            var arrays = new string('[', depth) + new string(']', depth);
            var objects = string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
            b.Unusable("deep-nesting", $"{depth} arrays in arguments", Call("1", "\"time_now\"", $"{{\"x\":{arrays}}}"), ParseError);
            b.Unusable("deep-nesting", $"{depth} objects in arguments", Call("2", "\"time_now\"", $"{{\"x\":{objects}}}"), ParseError);
            b.Unusable("deep-nesting", $"{depth} arrays as id", $"{{\"jsonrpc\":\"2.0\",\"id\":{arrays},\"method\":\"ping\"}}", ParseError);
            b.Unusable("deep-nesting", $"{depth} arrays as method", $"{{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":{arrays}}}", ParseError);
            b.Unusable("deep-nesting", $"{depth} top-level arrays", arrays, ParseError);
            b.Unusable("deep-nesting", $"{depth} unclosed arrays", new string('[', depth), ParseError);
        }

        // Nesting the parser accepts: a real tool refuses the argument it does not have.
        foreach (var depth in new[] { 10, 30, 50 })
        {
            var nested = new string('[', depth) + "1" + new string(']', depth);
            b.Tool("deep-nesting", $"{depth} levels as an extra argument", id => Call(id, "\"time_now\"", $"{{\"x\":{nested}}}"));
            b.Tool("deep-nesting", $"{depth} levels as timeZone", id => Call(id, "\"time_now\"", $"{{\"timeZone\":{nested}}}"));
        }
    }

    private static void OddUnicode(CorpusBuilder b)
    {
        foreach (var odd in s_oddUnicode)
        {
            foreach (var (form, json) in new[] { ("raw", RawJsonString(odd)), ("escaped", EscapedJsonString(odd)) })
            {
                var name = $"{form} {Describe(odd)}";
                b.Request("odd-unicode", $"method {name}", id => Envelope(id, json), MethodNotFound);
                b.Request("odd-unicode", $"tool name {name}", id => Call(id, json, "{}"), InvalidParams);
                b.Tool("odd-unicode", $"argument key {name}", id => Call(id, "\"time_now\"", $"{{{json}:\"UTC\"}}"));
                b.Tool("odd-unicode", $"timeZone {name}", id => Call(id, "\"time_now\"", $"{{\"timeZone\":{json}}}"));
                b.Tool("odd-unicode", $"context key {name}", id => Call(id, "\"memory_get_context\"", $"{{\"key\":{json}}}"));
                b.Request("odd-unicode", $"prompt name {name}", id => Envelope(id, "\"prompts/get\"", $"{{\"name\":{json}}}"), InvalidParams);
                b.Request("odd-unicode", $"string id {name}", _ => $"{{\"jsonrpc\":\"2.0\",\"id\":{json},\"method\":\"no/such/method\"}}", json, MethodNotFound);
            }
        }

        // Lone surrogates, escaped (raw ones are invalid UTF-8, covered above): not text, so never a name or an id. In
        // params they are invalid params naming the place; in the envelope, an invalid request (issue 13: a member name
        // that is one stopped the stdio host).
        foreach (var lone in new[] { "\\uD800", "\\uDFFF", "a\\uDC00b", "\\uD83D", "\\uDE00\\uD83D" })
        {
            var json = $"\"{lone}\"";
            b.Request("lone-surrogate", $"tool name {lone}", id => Call(id, json, "{}"), InvalidParams);
            b.Request("lone-surrogate", $"timeZone {lone}", id => Call(id, "\"time_now\"", $"{{\"timeZone\":{json}}}"), InvalidParams);
            b.Request("lone-surrogate", $"argument key {lone}", id => Call(id, "\"time_now\"", $"{{{json}:1}}"), InvalidParams);
            b.Request("lone-surrogate", $"nested in an argument {lone}", id => Call(id, "\"memory_recall\"", $"{{\"query\":\"q\",\"tags\":[\"ok\",{json}]}}"), InvalidParams);
            b.Request("lone-surrogate", $"prompt argument {lone}", id => Envelope(id, "\"prompts/get\"", $"{{\"name\":\"no_such_prompt\",\"arguments\":{{\"k\":{json}}}}}"), InvalidParams);
            b.Request("lone-surrogate", $"resource uri {lone}", id => Envelope(id, "\"resources/read\"", $"{{\"uri\":\"lumina://{lone}\"}}"), InvalidParams);
            b.Request("lone-surrogate", $"completion value {lone}", id => Envelope(id, "\"completion/complete\"", $"{{\"ref\":{{\"type\":\"ref/prompt\",\"name\":\"no_such_prompt\"}},\"argument\":{{\"name\":\"a\",\"value\":{json}}}}}"), InvalidParams);
            b.Request("lone-surrogate", $"name in params {lone}", id => Envelope(id, "\"tools/list\"", $"{{{json}:1}}"), InvalidParams);
            b.Request("lone-surrogate", $"method {lone}", id => Envelope(id, json), InvalidRequest);
            b.Request("lone-surrogate", $"jsonrpc {lone}", id => $"{{\"jsonrpc\":{json},\"id\":{id},\"method\":\"no/such/method\"}}", InvalidRequest);
            b.Request("lone-surrogate", $"top-level name beside a request {lone}", id => $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"no/such/method\",{json}:1}}", InvalidRequest);
            b.Unusable("lone-surrogate", $"top-level name alone {lone}", $"{{{json}:1}}", InvalidRequest);
            b.Unusable("lone-surrogate", $"id {lone}", $"{{\"jsonrpc\":\"2.0\",\"id\":{json},\"method\":\"no/such/method\"}}", InvalidRequest);
            b.Unusable("lone-surrogate", $"in a notification {lone}", $"{{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{{\"requestId\":{json}}}}}", InvalidParams);
        }
    }

    private static void UnknownMethodsAndTools(CorpusBuilder b)
    {
        string[] methods =
        [
            "tools/execute", "tools/run", "tools", "tools/", "/tools/list", "tools//list", "tools/list ", " tools/list", "Tools/List", "TOOLS/LIST",
            "tools\\list", "tools.list", "admin/shutdown", "server/stop", "shutdown", "exit", "rpc.discover", "$/cancelRequest", "sampling/createMessage",
            "elicitation/create", "roots/list", "notifications/initialized", "notifications/cancelled", "initialized", "initialize/", "ping/", "system.listMethods",
            "__proto__", "constructor", "toString", "../../etc/passwd", "tools/list\u0000", "tools/list\n", "resources/delete", "prompts/run", "a", "/", "*",
            "tasks/get", "tasks/cancel", "tasks/list", "tasks/result",
        ];
        foreach (var method in methods)
        {
            b.Request("unknown-method", Describe(method), id => Envelope(id, EscapedJsonString(method)), MethodNotFound, InvalidParams);
            b.Request("unknown-method", Describe(method) + " with params", id => Envelope(id, EscapedJsonString(method), "{\"name\":\"time_now\",\"arguments\":{}}"), MethodNotFound, InvalidParams);
        }

        string[] tools =
        [
            "no_such_tool", "time", "time_", "time_now_", "_time_now", "time-now", "time.now", "time/now", "Time_Now", "time_NOW", "time now",
            "files_delete_all", "system_exec", "shell", "eval", "__proto__", "", " ", "time_now ", " time_now", "time_now\u0000", "../time_now",
            "time_now;files_delete", "time_now\nfiles_delete", "null", "undefined", "admin", "memory_forget_everything", "files_rm",
        ];
        foreach (var tool in tools)
        {
            b.Request("unknown-tool", Describe(tool), id => Call(id, EscapedJsonString(tool), "{}"), InvalidParams);
            b.Request("unknown-tool", Describe(tool) + " no arguments", id => Envelope(id, "\"tools/call\"", $"{{\"name\":{EscapedJsonString(tool)}}}"), InvalidParams);
        }
    }

    private static void BadToolArguments(CorpusBuilder b)
    {
        // (tool, required arguments that make a valid call, argument to spoil)
        (string Tool, string Valid, string Spoiled)[] targets =
        [
            ("time_now", "", "timeZone"),
            ("time_convert", "\"dateTime\":\"2026-01-01T00:00:00\",\"fromZone\":\"UTC\",\"toZone\":\"UTC\"", "dateTime"),
            ("time_convert", "\"dateTime\":\"2026-01-01T00:00:00\",\"fromZone\":\"UTC\",\"toZone\":\"UTC\"", "toZone"),
            ("time_add", "\"dateTime\":\"2026-01-01T00:00:00\",\"duration\":\"P1D\"", "duration"),
            ("time_difference", "\"start\":\"2026-01-01\",\"end\":\"2026-01-02\"", "end"),
            ("memory_get_context", "\"key\":\"no-such-key-ever\"", "key"),
            ("memory_recall", "\"query\":\"anything\"", "tags"),
            ("files_read", "\"path\":\"no/such/file.txt\"", "path"),
        ];
        string[] wrongValues = ["42", "true", "false", "[]", "[\"a\"]", "{}", "{\"a\":\"b\"}", "1.5", "\"\"", "\"not-a-valid-value-\\u0000\""];
        foreach (var (tool, valid, spoiled) in targets)
        {
            foreach (var value in wrongValues)
            {
                if (value == "\"\"" && spoiled is "timeZone" or "toZone")
                {
                    continue; // An empty zone means UTC: the call would succeed.
                }

                if (spoiled == "tags" && value is "[]" or "[\"a\"]")
                {
                    continue; // Valid tags: the recall would succeed.
                }

                var arguments = "{" + Without(valid, spoiled) + (Without(valid, spoiled).Length > 0 ? "," : string.Empty) + $"\"{spoiled}\":{value}}}";
                b.Tool("bad-arguments", $"{tool} {spoiled}={Describe(value)}", id => Call(id, $"\"{tool}\"", arguments));
            }

            b.Tool("bad-arguments", $"{tool} extra argument", id => Call(id, $"\"{tool}\"", "{" + valid + (valid.Length > 0 ? "," : string.Empty) + "\"extra\":1}"));
            b.Tool("bad-arguments", $"{tool} extra argument differing in case", id => Call(id, $"\"{tool}\"", "{" + valid + (valid.Length > 0 ? "," : string.Empty) + $"\"{spoiled.ToUpperInvariant()}\":\"x\"}}"));
            if (valid.Length > 0 && tool != "memory_recall")
            {
                b.Tool("bad-arguments", $"{tool} missing every argument", id => Call(id, $"\"{tool}\"", "{}"));
                b.Tool("bad-arguments", $"{tool} missing {spoiled}", id => Call(id, $"\"{tool}\"", "{" + Without(valid, spoiled) + "}"));
                b.Tool("bad-arguments", $"{tool} null {spoiled}", id => Call(id, $"\"{tool}\"", "{" + Without(valid, spoiled) + (Without(valid, spoiled).Length > 0 ? "," : string.Empty) + $"\"{spoiled}\":null}}"));
            }
        }

        foreach (var value in new[] { "\"0\"", "\"-1\"", "\"1e400\"", "0", "-5", "51" })
        {
            b.Tool("bad-arguments", $"files_read startLine {value}", id => Call(id, "\"files_read\"", $"{{\"path\":\"no/such/file.txt\",\"startLine\":{value}}}"));
        }
    }

    private static void DuplicateIds(CorpusBuilder b)
    {
        for (var i = 0; i < 10; i++)
        {
            var id = i % 2 == 0 ? $"\"dup-{i}\"" : (900_000 + i).ToString(CultureInfo.InvariantCulture);
            var lines = new[] { Envelope(id, "\"no/such/method\""), Call(id, "\"no_such_tool\"", "{}"), Call(id, "\"time_now\"", "{\"bad\":1}") }
                .Take(2 + (i % 2)).ToArray();
            var replies = new List<ExpectedReply> { new(id, ReplyKind.Error, MethodNotFound), new(id, ReplyKind.Error, InvalidParams) };
            if (lines.Length == 3)
            {
                replies.Add(new(id, ReplyKind.ToolError));
            }

            b.Add("duplicate-id", $"{lines.Length} requests sharing id {id}", lines.Select(Encoding.UTF8.GetBytes).ToArray(), replies, hasUsableId: true);
        }
    }

    private static void DuplicateKeys(CorpusBuilder b)
    {
        // JSON allows repeated names; whichever one a parser keeps, each of these must still fail.
        (string Name, string Params)[] repeated =
        [
            ("_meta twice", "{\"name\":\"no_such_tool\",\"_meta\":{},\"_meta\":{}}"),
            ("_meta twice with tokens", "{\"name\":\"no_such_tool\",\"_meta\":{\"progressToken\":1},\"_meta\":{\"progressToken\":2}}"),
            ("progressToken twice", "{\"name\":\"no_such_tool\",\"_meta\":{\"progressToken\":1,\"progressToken\":\"a\"}}"),
            ("name twice", "{\"name\":\"no_such_tool\",\"name\":\"no_such_tool_either\"}"),
            ("arguments twice", "{\"name\":\"time_now\",\"arguments\":{\"bad\":1},\"arguments\":{\"worse\":2}}"),
            ("argument twice", "{\"name\":\"time_now\",\"arguments\":{\"timeZone\":\"Mars/Olympus_Mons\",\"timeZone\":\"Venus/Maxwell\"}}"),
        ];
        foreach (var (name, parameters) in repeated)
        {
            b.Request("duplicate-keys", name, id => Envelope(id, "\"tools/call\"", parameters), [], ReplyKind.ErrorOrToolError);
        }

        b.Request("duplicate-keys", "params twice", id => $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"tools/call\",\"params\":{{\"name\":\"no_such_tool\"}},\"params\":{{\"name\":\"nor_this\"}}}}", [], ReplyKind.Error);
        b.Request("duplicate-keys", "method twice", id => $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"no/such\",\"method\":\"nor/this\"}}", [], ReplyKind.Error);
        b.Request("duplicate-keys", "jsonrpc twice", id => $"{{\"jsonrpc\":\"2.0\",\"jsonrpc\":\"1.0\",\"id\":{id},\"method\":\"no/such\"}}", InvalidRequest, MethodNotFound);
    }

    private static void Notifications(CorpusBuilder b)
    {
        string[] notifications =
        [
            """{"jsonrpc":"2.0","method":"notifications/unknown"}""",
            """{"jsonrpc":"2.0","method":"notifications/initialized"}""",
            """{"jsonrpc":"2.0","method":"notifications/roots/list_changed"}""",
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"nobody"}}""",
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1e400}}""",
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":{"a":1}}}""",
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{}}""",
            """{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"none","progress":1e400}}""",
            """{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":[],"progress":"x"}}""",
            """{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"nope","data":null}}""",
            """{"jsonrpc":"2.0","method":"no/such/method"}""",
            """{"jsonrpc":"2.0","method":"tools/call","params":{"name":"no_such_tool"}}""",
            """{"jsonrpc":"2.0","method":"tools/call","params":{"name":"time_now","arguments":{"bad":1}}}""",
            """{"jsonrpc":"2.0","method":"tools/list","params":null}""",
            """{"jsonrpc":"2.0","method":"ping"}""",
            """{"jsonrpc":"2.0","method":"logging/setLevel","params":{"level":"loud"}}""",
            """{"jsonrpc":"2.0","method":"initialize","params":{"protocolVersion":"1999-01-01"}}""",
        ];
        foreach (var text in notifications)
        {
            b.Add("notification", text, [Encoding.UTF8.GetBytes(text)], [], hasUsableId: false);
        }

        foreach (var odd in s_oddUnicode)
        {
            var text = $"{{\"jsonrpc\":\"2.0\",\"method\":{EscapedJsonString("notifications/" + odd)},\"params\":{{\"x\":{RawJsonString(odd)}}}}}";
            b.Add("notification", $"odd unicode {Describe(odd)}", [Encoding.UTF8.GetBytes(text)], [], hasUsableId: false);
        }
    }

    private static void StrayResponses(CorpusBuilder b)
    {
        string[] responses =
        [
            """{"jsonrpc":"2.0","id":"nobody-asked","result":{}}""",
            """{"jsonrpc":"2.0","id":424242,"result":{"content":[]}}""",
            """{"jsonrpc":"2.0","id":"x","result":null}""",
            """{"jsonrpc":"2.0","id":"y","result":42}""",
            """{"jsonrpc":"2.0","id":"z","error":{"code":-32000,"message":"client says no"}}""",
            """{"jsonrpc":"2.0","id":9,"result":{},"error":{"code":1,"message":"both"}}""",
            """{"jsonrpc":"2.0","id":"init","result":{"protocolVersion":"2025-11-25"}}""",
            """{"jsonrpc":"2.0","id":-9223372036854775808,"result":{}}""",
        ];
        foreach (var text in responses)
        {
            b.Add("stray-response", text, [Encoding.UTF8.GetBytes(text)], [], hasUsableId: false);
        }

        // A response whose error is not a JSON-RPC error object cannot be read as a response: the reader says so.
        foreach (var error in new[] { "{\"code\":\"x\",\"message\":42}", "{}", "{\"message\":\"no code\"}", "{\"code\":1e400,\"message\":\"m\"}" })
        {
            b.Request("stray-response", $"malformed error {error}", id => $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"error\":{error}}}", InvalidRequest, ParseError);
        }

        for (var i = 0; i < 20; i++)
        {
            var text = $"{{\"jsonrpc\":\"2.0\",\"id\":\"stray-{b.Random.Next():x8}\",\"result\":{{\"n\":{b.Random.Next()}}}}}";
            b.Add("stray-response", $"random {i}", [Encoding.UTF8.GetBytes(text)], [], hasUsableId: false);
        }
    }

    private static string Envelope(string id, string method, string? parameters = null) =>
        parameters is null
            ? $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":{method}}}"
            : $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":{method},\"params\":{parameters}}}";

    private static string Call(string id, string tool, string arguments) =>
        Envelope(id, "\"tools/call\"", $"{{\"name\":{tool},\"arguments\":{arguments}}}");

    private static string Replace(string text, string what, string with)
    {
        var at = text.IndexOf(what, StringComparison.Ordinal);
        return text[..at] + with + text[(at + what.Length)..];
    }

    private static string Without(string arguments, string name) =>
        string.Join(',', arguments.Split(',', StringSplitOptions.RemoveEmptyEntries).Where(a => !a.StartsWith($"\"{name}\":", StringComparison.Ordinal)));

    private static string Digits(int count) => "9" + new string('8', count - 1);

    /// <summary>The text as a JSON string with non-ASCII characters as raw UTF-8 (only quotes, backslashes and controls escaped).</summary>
    private static string RawJsonString(string text)
    {
        var result = new StringBuilder("\"");
        foreach (var c in text)
        {
            result.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return result.Append('"').ToString();
    }

    /// <summary>The text as a JSON string with every non-ASCII character as a \u escape.</summary>
    private static string EscapedJsonString(string text)
    {
        var result = new StringBuilder("\"");
        foreach (var c in text)
        {
            result.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or > '~' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return result.Append('"').ToString();
    }

    /// <summary>A short printable name for a value in an item's name.</summary>
    private static string Describe(string text)
    {
        var shown = new StringBuilder();
        foreach (var c in text.Length > 24 ? text[..24] : text)
        {
            shown.Append(c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return text.Length > 24 ? $"{shown}…({text.Length} chars)" : shown.ToString();
    }

    /// <summary>Numbers items and gives each request its own id, so a reply names the item it answers.</summary>
    private sealed class CorpusBuilder(Random random)
    {
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private readonly HashSet<string> _contents = new(StringComparer.Ordinal);

        public List<HostileItem> Items { get; } = [];

        public Random Random => random;

        public void Add(string category, string name, byte[][] lines, IReadOnlyList<ExpectedReply> replies, bool hasUsableId)
        {
            if (!_contents.Add(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData([.. lines.SelectMany(l => l)]))))
            {
                return; // Two seeded mutations that came out the same: one item is enough.
            }

            var unique = name;
            for (var n = 2; !_names.Add(category + "/" + unique); n++)
            {
                unique = $"{name} ({n})";
            }

            Items.Add(new HostileItem(Items.Count + 1, category, unique, lines, replies, hasUsableId));
        }

        /// <summary>A request with a fresh id, answered with a JSON-RPC error carrying that id.</summary>
        public void Request(string category, string name, Func<string, string> text, params int[] codes) =>
            Request(category, name, text, codes, ReplyKind.Error);

        /// <summary>A request with a fresh id, answered with one reply of <paramref name="kind"/> carrying that id.</summary>
        public void Request(string category, string name, Func<string, string> text, int[] codes, ReplyKind kind)
        {
            var id = NextId();
            Add(category, name, [Encoding.UTF8.GetBytes(text(id))], [new ExpectedReply(id, kind, codes)], hasUsableId: true);
        }

        /// <summary>A request whose id is given in its text (the reply must carry <paramref name="idJson"/>).</summary>
        public void Request(string category, string name, Func<string, string> text, string idJson, params int[] codes) =>
            Add(category, name, [Encoding.UTF8.GetBytes(text(idJson))], [new ExpectedReply(idJson, ReplyKind.Error, codes)], hasUsableId: true);

        /// <summary>A well-formed tools/call of a real tool with bad arguments: a tool result with isError.</summary>
        public void Tool(string category, string name, Func<string, string> text) => Request(category, name, text, [], ReplyKind.ToolError);

        /// <summary>Input with no id to answer to: the error carries id null.</summary>
        public void Unusable(string category, string name, string text, params int[] codes) =>
            RawUnusable(category, name, Encoding.UTF8.GetBytes(text), codes);

        public void RawUnusable(string category, string name, byte[] bytes, params int[] codes) =>
            Add(category, name, [bytes], [new ExpectedReply("null", ReplyKind.Error, codes)], hasUsableId: false);

        private string NextId() => Items.Count % 3 == 0
            ? (100_000 + Items.Count).ToString(CultureInfo.InvariantCulture)
            : $"\"h-{Items.Count + 1}-{random.Next():x8}\"";
    }
}
