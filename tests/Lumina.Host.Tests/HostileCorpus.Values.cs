namespace Lumina.Host.Tests;

/// <summary>Probe groups of extreme values: huge numbers, huge strings, deep nesting, odd Unicode and lone surrogates.</summary>
internal static partial class HostileCorpus
{
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
}
