using System.Text.Json.Nodes;

namespace Lumina.Testing.Providers;

/// <summary>
/// An Azure OpenAI resource's chat completions endpoint on loopback
/// (<c>POST /openai/deployments/{deployment}/chat/completions?api-version=…</c>), answering as the test scripts it:
/// completions, tool calls, SSE streams with a usage chunk, error statuses with Azure's error body. Like Azure, it
/// refuses a request for another deployment (404 <c>DeploymentNotFound</c>), without an <c>api-version</c> (400) or
/// without the right <c>api-key</c> header (401) before any scripted reply. The scripted usage is 17 prompt and 4
/// completion tokens.
/// </summary>
public sealed class ScriptedAzureOpenAiServer : ScriptedHttpServer
{
    public const int PromptTokens = 17;
    public const int CompletionTokens = 4;

    /// <summary>The deployment this resource serves.</summary>
    public string Deployment { get; init; } = "gpt-4o-test";

    /// <summary>The key it accepts in the <c>api-key</c> header.</summary>
    public string ApiKey { get; init; } = "azure-test-key";

    /// <summary>A non-streaming answer.</summary>
    public void ReplyText(string text) => Enqueue(Json(200, Completion(new JsonObject { ["role"] = "assistant", ["content"] = text }, "stop")));

    /// <summary>A non-streaming answer that calls one tool.</summary>
    public void ReplyToolCall(string name, string arguments)
    {
        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = null,
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = "call_azure_1",
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = name, ["arguments"] = arguments },
            }),
        };
        Enqueue(Json(200, Completion(message, "tool_calls")));
    }

    /// <summary>
    /// The text as server-sent events, one word each, a finish chunk, a usage chunk and <c>[DONE]</c>;
    /// <paramref name="cutAfterWords"/> ends it after that many words (reset, or with <paramref name="reset"/> false closed).
    /// </summary>
    public override void StreamText(string text, int? cutAfterWords = null, bool reset = true)
    {
        var words = text.Split(' ');
        var events = words.Select((word, i) => Event(Chunk(new JsonObject { ["content"] = i == 0 ? word : " " + word }, null))).ToList();
        events.Add(Event(Chunk(new JsonObject(), "stop")));
        var usage = Envelope("chat.completion.chunk", []);
        usage["usage"] = Usage();
        events.Add(Event(usage));
        events.Add("data: [DONE]\n\n");
        Enqueue(cutAfterWords is { } cut && !reset
            ? new ScriptedHttpReply(200, "text/event-stream", events.Take(cut).ToList())
            : new ScriptedHttpReply(200, "text/event-stream", events) { CutAfter = cutAfterWords });
    }

    /// <summary>A text answer that arrives only after <paramref name="delay"/>.</summary>
    public override void ReplyTextAfter(TimeSpan delay, string text) =>
        Enqueue(Json(200, Completion(new JsonObject { ["role"] = "assistant", ["content"] = text }, "stop")) with { Delay = delay });

    /// <summary>An error status with Azure's error body, e.g. 401 with the message Azure gives a wrong key.</summary>
    public void ReplyError(int status, string code, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        Enqueue(Json(status, Error(code, message)) with { Headers = headers ?? new Dictionary<string, string>() });

    protected override ScriptedHttpReply? Refuse(RecordedRequest request)
    {
        if (request.Path != $"/openai/deployments/{Deployment}/chat/completions")
        {
            return Json(404, Error("DeploymentNotFound", $"No deployment answers at {request.Path}."));
        }

        if (string.IsNullOrEmpty(request.Query["api-version"]))
        {
            return Json(400, Error("BadRequest", "Missing the api-version query parameter."));
        }

        return request.Header("api-key") == ApiKey
            ? null
            : Json(401, Error("401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."));
    }

    private static ScriptedHttpReply Json(int status, JsonObject body) => new(status, "application/json", [body.ToJsonString()]);

    private static JsonObject Error(string code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    private static JsonObject Completion(JsonObject message, string finishReason)
    {
        var completion = Envelope("chat.completion", new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finishReason }));
        completion["usage"] = Usage();
        return completion;
    }

    private static JsonObject Chunk(JsonObject delta, string? finishReason) =>
        Envelope("chat.completion.chunk", new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }));

    private static JsonObject Envelope(string kind, JsonArray choices) => new()
    {
        ["id"] = "chatcmpl-azure-1",
        ["object"] = kind,
        ["created"] = 1764936000,
        ["model"] = "gpt-4o-2024-11-20",
        ["choices"] = choices,
    };

    private static JsonObject Usage() => new() { ["prompt_tokens"] = PromptTokens, ["completion_tokens"] = CompletionTokens, ["total_tokens"] = PromptTokens + CompletionTokens };

    private static string Event(JsonObject data) => $"data: {data.ToJsonString()}\n\n";
}
