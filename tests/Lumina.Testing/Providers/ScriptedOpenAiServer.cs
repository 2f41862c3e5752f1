using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Lumina.Testing.Providers;

/// <summary>One scripted answer of <see cref="ScriptedOpenAiServer"/>.</summary>
public sealed record ScriptedReply
{
    /// <summary>The HTTP status; anything but 200 answers with an OpenAI-style error body.</summary>
    public int Status { get; init; } = 200;

    /// <summary>The answer's text.</summary>
    public string Text { get; init; } = "scripted answer";

    /// <summary>Tool calls to make instead of answering: (name, arguments as JSON).</summary>
    public IReadOnlyList<(string Name, string Arguments)> ToolCalls { get; init; } = [];

    /// <summary>The Retry-After header to send.</summary>
    public string? RetryAfter { get; init; }

    /// <summary>The error message (for a status other than 200).</summary>
    public string ErrorMessage { get; init; } = "scripted failure";

    /// <summary>How long to wait before answering.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Answer 200 with a body that is not a completion.</summary>
    public bool Malformed { get; init; }

    /// <summary>Leave usage out of the answer.</summary>
    public bool NoUsage { get; init; }

    /// <summary>For a streaming request: cut the connection after this many chunks.</summary>
    public int? BreakStreamAfter { get; init; }

    public static ScriptedReply Answer(string text) => new() { Text = text };

    public static ScriptedReply Fail(int status, string? retryAfter = null, string message = "scripted failure") => new() { Status = status, RetryAfter = retryAfter, ErrorMessage = message };

    public static ScriptedReply Call(string name, string arguments) => new() { ToolCalls = [(name, arguments)] };
}

/// <summary>
/// An OpenAI-compatible chat completions endpoint on a free loopback port that answers as the test scripts it: queued
/// replies first (<see cref="Enqueue"/>), then the default status and answer. It keeps every request body it received.
/// </summary>
public sealed class ScriptedOpenAiServer : LoopbackHttpServer
{
    private readonly ConcurrentQueue<ScriptedReply> _script = new();
    private readonly ConcurrentQueue<JsonNode> _received = new();
    private readonly ConcurrentQueue<string> _authorizations = new();
    private int _requests;

    public ScriptedOpenAiServer(int status, string answer = "scripted answer")
        : base(concurrent: true)
    {
        Status = status;
        Answer = answer;
        Start();
    }

    public string Endpoint => $"{BaseAddress}/v1";

    /// <summary>The status when nothing is queued.</summary>
    public int Status { get; set; }

    /// <summary>The answer when nothing is queued.</summary>
    public string Answer { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The request bodies received, in order.</summary>
    public IReadOnlyList<JsonNode> Received => [.. _received];

    /// <summary>The Authorization headers received, in order (empty string when a request had none).</summary>
    public IReadOnlyList<string> ReceivedAuthorizations => [.. _authorizations];

    /// <summary>When set, a streaming request gets only this many chunks before the connection is cut.</summary>
    public int? BreakStreamAfter { get; set; }

    public void Enqueue(params ScriptedReply[] replies)
    {
        foreach (var reply in replies)
        {
            _script.Enqueue(reply);
        }
    }

    protected override async Task AnswerAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        _authorizations.Enqueue(context.Request.Headers["Authorization"] ?? string.Empty);
        using var reader = new StreamReader(context.Request.InputStream);
        var body = await reader.ReadToEndAsync();
        var request = JsonNode.Parse(body)!;
        _received.Enqueue(request);
        var reply = _script.TryDequeue(out var next)
            ? next
            : new ScriptedReply { Status = Status, Text = Answer, BreakStreamAfter = BreakStreamAfter };
        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, Stopping);
        }

        if (reply.RetryAfter is { } retryAfter)
        {
            context.Response.Headers["Retry-After"] = retryAfter;
        }

        if (reply.Status != 200)
        {
            await WriteAsync(context, reply.Status, new JsonObject { ["error"] = new JsonObject { ["message"] = reply.ErrorMessage, ["type"] = "scripted", ["code"] = reply.Status == 400 ? "context_length_exceeded" : null } }.ToJsonString());
        }
        else if (reply.Malformed)
        {
            await WriteAsync(context, 200, """{"id":"chatcmpl-1","choices":[{"index":0,"message":""");
        }
        else if (request["stream"]?.GetValue<bool>() == true)
        {
            await StreamAsync(context, reply);
        }
        else
        {
            await WriteAsync(context, 200, Completion(reply));
        }
    }

    private static async Task WriteAsync(HttpListenerContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(body);
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    /// <summary>The answer as server-sent chunks, one word each; cut short when <see cref="ScriptedReply.BreakStreamAfter"/> says so.</summary>
    private static async Task StreamAsync(HttpListenerContext context, ScriptedReply reply)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.SendChunked = true;
        var words = reply.Text.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            if (reply.BreakStreamAfter is { } limit && i >= limit)
            {
                context.Response.Abort();
                return;
            }

            var chunk = Chunk(new JsonObject { ["content"] = i == 0 ? words[i] : " " + words[i] }, finishReason: null);
            await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes($"data: {chunk}\n\n"));
            await context.Response.OutputStream.FlushAsync();
        }

        var last = Chunk(new JsonObject(), finishReason: "stop");
        await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes($"data: {last}\n\n"));
        if (!reply.NoUsage)
        {
            var usage = Envelope("chat.completion.chunk", choice: null);
            usage["usage"] = Usage();
            await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes($"data: {usage.ToJsonString()}\n\n"));
        }

        await context.Response.OutputStream.WriteAsync("data: [DONE]\n\n"u8.ToArray());
        context.Response.Close();
    }

    private static string Completion(ScriptedReply reply)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.ToolCalls.Count > 0 ? null : reply.Text };
        if (reply.ToolCalls.Count > 0)
        {
            var calls = new JsonArray();
            var index = 0;
            foreach (var (name, arguments) in reply.ToolCalls)
            {
                calls.Add(new JsonObject
                {
                    ["id"] = $"call_{++index}",
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = name, ["arguments"] = arguments },
                });
            }

            message["tool_calls"] = calls;
        }

        var completion = Envelope("chat.completion", new JsonObject
        {
            ["index"] = 0,
            ["message"] = message,
            ["finish_reason"] = reply.ToolCalls.Count > 0 ? "tool_calls" : "stop",
        });
        if (!reply.NoUsage)
        {
            completion["usage"] = Usage();
        }

        return completion.ToJsonString();
    }

    private static JsonObject Usage() => new() { ["prompt_tokens"] = 11, ["completion_tokens"] = 3, ["total_tokens"] = 14 };

    private static string Chunk(JsonObject delta, string? finishReason) =>
        Envelope("chat.completion.chunk", new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }).ToJsonString();

    private static JsonObject Envelope(string kind, JsonObject? choice) => new()
    {
        ["id"] = "chatcmpl-1",
        ["object"] = kind,
        ["created"] = 1763884800,
        ["model"] = "scripted",
        ["choices"] = choice is null ? new JsonArray() : new JsonArray(choice),
    };
}
