using System.Globalization;
using System.Text;

namespace Lumina.Host.Tests;

/// <summary>Probe groups of well-formed but wrong calls: unknown methods and tools, bad tool arguments, duplicate ids and keys, notifications, stray responses.</summary>
internal static partial class HostileCorpus
{
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
}
