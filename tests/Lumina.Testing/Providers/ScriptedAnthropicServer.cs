using System.Globalization;
using System.Text.Json.Nodes;

namespace Lumina.Testing.Providers;

/// <summary>
/// Anthropic's Messages API (<c>POST /v1/messages</c>) on loopback, answering as the test scripts it: messages with text
/// and tool_use blocks, SSE streams, error replies with Anthropic's error JSON and an optional <c>retry-after</c>,
/// streams cut midway, malformed bodies and delays. The scripted usage is 11 input and 7 output tokens.
/// </summary>
public sealed class ScriptedAnthropicServer : ScriptedHttpServer
{
    public const int InputTokens = 11;
    public const int OutputTokens = 7;

    /// <summary>A message with one text block.</summary>
    public void ReplyText(string text, string stopReason = "end_turn") =>
        Enqueue(new ScriptedHttpReply(200, "application/json", [Message(new JsonArray(TextBlock(text)), stopReason).ToJsonString()]));

    /// <summary>A message that asks for one tool call (stop_reason <c>tool_use</c>), optionally after some text.</summary>
    public void ReplyToolUse(string id, string name, JsonObject input, string? textBefore = null)
    {
        var content = new JsonArray();
        if (textBefore is not null)
        {
            content.Add(TextBlock(textBefore));
        }

        content.Add(new JsonObject { ["type"] = "tool_use", ["id"] = id, ["name"] = name, ["input"] = input });
        Enqueue(new ScriptedHttpReply(200, "application/json", [Message(content, "tool_use").ToJsonString()]));
    }

    /// <summary>
    /// The text as an SSE stream, one delta per word; <paramref name="cutAfterWords"/> ends it after that many words,
    /// before message_delta and message_stop: by resetting the connection, or with <paramref name="reset"/> false by
    /// closing the response properly.
    /// </summary>
    public override void StreamText(string text, int? cutAfterWords = null, bool reset = true)
    {
        var events = new List<string>
        {
            Event("message_start", new JsonObject { ["type"] = "message_start", ["message"] = Message(new JsonArray(), stopReason: null, outputTokens: 1) }),
            Event("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = TextBlock(string.Empty) }),
            Event("ping", new JsonObject { ["type"] = "ping" }),
        };
        var words = text.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            events.Add(Event("content_block_delta", new JsonObject
            {
                ["type"] = "content_block_delta",
                ["index"] = 0,
                ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = i == 0 ? words[i] : " " + words[i] },
            }));
        }

        events.Add(Event("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 }));
        events.AddRange(End("end_turn"));
        if (cutAfterWords is { } cut && !reset)
        {
            Enqueue(new ScriptedHttpReply(200, "text/event-stream", events.Take(3 + cut).ToList()));
            return;
        }

        Enqueue(new ScriptedHttpReply(200, "text/event-stream", events) { CutAfter = 3 + cutAfterWords });
    }

    /// <summary>A streamed tool call: the input arrives as input_json_delta fragments.</summary>
    public void StreamToolUse(string id, string name, params string[] partialJson)
    {
        var events = new List<string>
        {
            Event("message_start", new JsonObject { ["type"] = "message_start", ["message"] = Message(new JsonArray(), stopReason: null, outputTokens: 1) }),
            Event("content_block_start", new JsonObject
            {
                ["type"] = "content_block_start",
                ["index"] = 0,
                ["content_block"] = new JsonObject { ["type"] = "tool_use", ["id"] = id, ["name"] = name, ["input"] = new JsonObject() },
            }),
        };
        foreach (var part in partialJson)
        {
            events.Add(Event("content_block_delta", new JsonObject
            {
                ["type"] = "content_block_delta",
                ["index"] = 0,
                ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = part },
            }));
        }

        events.Add(Event("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 }));
        events.AddRange(End("tool_use"));
        Enqueue(new ScriptedHttpReply(200, "text/event-stream", events));
    }

    /// <summary>An error reply in Anthropic's shape, e.g. 429 <c>rate_limit_error</c> with <c>retry-after: 7</c>.</summary>
    public void ReplyError(int status, string type, string message, int? retryAfterSeconds = null)
    {
        var body = new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
            ["request_id"] = "req_scripted",
        };
        var headers = new Dictionary<string, string> { ["request-id"] = "req_scripted" };
        if (retryAfterSeconds is { } seconds)
        {
            headers["retry-after"] = seconds.ToString(CultureInfo.InvariantCulture);
        }

        Enqueue(new ScriptedHttpReply(status, "application/json", [body.ToJsonString()]) { Headers = headers });
    }

    /// <summary>A stream that starts well and then carries an <c>error</c> event (e.g. <c>overloaded_error</c>).</summary>
    public void StreamError(string type, string message) => Enqueue(new ScriptedHttpReply(200, "text/event-stream",
    [
        Event("message_start", new JsonObject { ["type"] = "message_start", ["message"] = Message(new JsonArray(), stopReason: null, outputTokens: 1) }),
        Event("error", new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = type, ["message"] = message } }),
    ]));

    /// <summary>A text reply that arrives only after <paramref name="delay"/>.</summary>
    public override void ReplyTextAfter(TimeSpan delay, string text) =>
        Enqueue(new ScriptedHttpReply(200, "application/json", [Message(new JsonArray(TextBlock(text)), "end_turn").ToJsonString()]) { Delay = delay });

    private static JsonObject TextBlock(string text) => new() { ["type"] = "text", ["text"] = text };

    private static JsonObject Message(JsonArray content, string? stopReason, int outputTokens = OutputTokens) => new()
    {
        ["id"] = "msg_scripted",
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = "claude-scripted",
        ["content"] = content,
        ["stop_reason"] = stopReason,
        ["stop_sequence"] = null,
        ["usage"] = new JsonObject { ["input_tokens"] = InputTokens, ["output_tokens"] = outputTokens },
    };

    private static IEnumerable<string> End(string stopReason) =>
    [
        Event("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = stopReason, ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["input_tokens"] = InputTokens, ["output_tokens"] = OutputTokens },
        }),
        Event("message_stop", new JsonObject { ["type"] = "message_stop" }),
    ];

    private static string Event(string name, JsonObject data) => $"event: {name}\ndata: {data.ToJsonString()}\n\n";
}
