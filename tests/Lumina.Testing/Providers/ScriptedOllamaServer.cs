using System.Text.Json.Nodes;

namespace Lumina.Testing.Providers;

/// <summary>
/// Ollama's chat endpoint (<c>POST /api/chat</c>) on loopback, answering as the test scripts it: one JSON object, or an
/// NDJSON stream whose last line has <c>done: true</c> with <c>prompt_eval_count</c> and <c>eval_count</c>;
/// tool_calls, error statuses with Ollama's <c>{"error": …}</c>, streams cut midway, malformed bodies and delays.
/// The scripted usage is 13 prompt and 5 generated tokens.
/// </summary>
public sealed class ScriptedOllamaServer : ScriptedHttpServer
{
    public const int PromptTokens = 13;
    public const int EvalTokens = 5;

    /// <summary>A non-streaming answer (one line of JSON, done).</summary>
    public void ReplyText(string text) =>
        Enqueue(new ScriptedHttpReply(200, "application/json; charset=utf-8", [Done(Assistant(text)).ToJsonString()]));

    /// <summary>A non-streaming answer that calls one tool.</summary>
    public void ReplyToolCall(string name, JsonObject arguments)
    {
        var message = Assistant(string.Empty);
        message["tool_calls"] = new JsonArray(new JsonObject { ["function"] = new JsonObject { ["name"] = name, ["arguments"] = arguments } });
        Enqueue(new ScriptedHttpReply(200, "application/json; charset=utf-8", [Done(message).ToJsonString()]));
    }

    /// <summary>
    /// The text as an NDJSON stream, one line per word and a final done line; <paramref name="cutAfterWords"/> ends it
    /// after that many words: by resetting the connection, or with <paramref name="reset"/> false by closing the
    /// response properly.
    /// </summary>
    public override void StreamText(string text, int? cutAfterWords = null, bool reset = true)
    {
        var words = text.Split(' ');
        var lines = words.Select((word, i) => Chunk(Assistant(i == 0 ? word : " " + word)).ToJsonString() + "\n").ToList();
        lines.Add(Done(Assistant(string.Empty)).ToJsonString() + "\n");
        Enqueue(cutAfterWords is { } cut && !reset
            ? new ScriptedHttpReply(200, "application/x-ndjson", lines.Take(cut).ToList())
            : new ScriptedHttpReply(200, "application/x-ndjson", lines) { CutAfter = cutAfterWords });
    }

    /// <summary>An error status with Ollama's error body.</summary>
    public void ReplyError(int status, string error, IReadOnlyDictionary<string, string>? headers = null) =>
        Enqueue(new ScriptedHttpReply(status, "application/json; charset=utf-8", [new JsonObject { ["error"] = error }.ToJsonString()])
        {
            Headers = headers ?? new Dictionary<string, string>(),
        });

    /// <summary>A text answer that arrives only after <paramref name="delay"/>.</summary>
    public override void ReplyTextAfter(TimeSpan delay, string text) =>
        Enqueue(new ScriptedHttpReply(200, "application/json; charset=utf-8", [Done(Assistant(text)).ToJsonString()]) { Delay = delay });

    private static JsonObject Assistant(string content) => new() { ["role"] = "assistant", ["content"] = content };

    private static JsonObject Chunk(JsonObject message) => new()
    {
        ["model"] = "llama-scripted",
        ["created_at"] = "2026-11-23T12:00:00Z",
        ["message"] = message,
        ["done"] = false,
    };

    private static JsonObject Done(JsonObject message) => new()
    {
        ["model"] = "llama-scripted",
        ["created_at"] = "2026-11-23T12:00:00Z",
        ["message"] = message,
        ["done"] = true,
        ["done_reason"] = "stop",
        ["total_duration"] = 1000,
        ["load_duration"] = 10,
        ["prompt_eval_count"] = PromptTokens,
        ["prompt_eval_duration"] = 100,
        ["eval_count"] = EvalTokens,
        ["eval_duration"] = 200,
    };
}
