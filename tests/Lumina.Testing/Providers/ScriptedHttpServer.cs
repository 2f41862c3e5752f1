using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Lumina.Testing.Providers;

/// <summary>One request a scripted server received.</summary>
public sealed record RecordedRequest(string Method, string Path, NameValueCollection Headers, string Body)
{
    /// <summary>The query string's parameters.</summary>
    public NameValueCollection Query { get; init; } = [];

    /// <summary>The body as JSON.</summary>
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public string? Header(string name) => Headers[name];
}

/// <summary>
/// One scripted reply: a status, headers and a body written in chunks (an SSE or NDJSON stream is one chunk per
/// event), optionally after a delay, optionally cut off (the connection reset) after some of its chunks.
/// </summary>
public sealed record ScriptedHttpReply(int Status, string ContentType, IReadOnlyList<string> Chunks)
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>How long the server waits before it answers (for timeouts).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>When set, only this many chunks are sent before the connection is reset.</summary>
    public int? CutAfter { get; init; }
}

/// <summary>
/// An HTTP server on a free loopback port that answers each request with the next scripted reply and records what it
/// received. With nothing left to answer it replies 599 with a body that says so, which fails any test that did not
/// expect the request.
/// </summary>
public abstract class ScriptedHttpServer : LoopbackHttpServer
{
    private readonly ConcurrentQueue<ScriptedHttpReply> _replies = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    protected ScriptedHttpServer()
        : base(concurrent: true) => Start();

    /// <summary>Streams <paramref name="text"/> word by word; with <paramref name="cutAfterWords"/> the stream stops there, reset or closed.</summary>
    public abstract void StreamText(string text, int? cutAfterWords = null, bool reset = true);

    /// <summary>Answers <paramref name="text"/> only after <paramref name="delay"/>.</summary>
    public abstract void ReplyTextAfter(TimeSpan delay, string text);

    /// <summary>The base URL, without a trailing slash.</summary>
    public string Endpoint => BaseAddress;

    /// <summary>The requests received so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Queues a reply for the next request.</summary>
    public void Enqueue(ScriptedHttpReply reply) => _replies.Enqueue(reply);

    /// <summary>A reply of any status and body, for malformed bodies.</summary>
    public void EnqueueRaw(int status, string body, string contentType = "application/json") => Enqueue(new ScriptedHttpReply(status, contentType, [body]));

    /// <summary>
    /// A reply the real service would give a request this server does not accept (a wrong path, a missing key), in
    /// place of the next scripted one; <see langword="null"/> to answer as scripted.
    /// </summary>
    protected virtual ScriptedHttpReply? Refuse(RecordedRequest request) => null;

    protected override async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(Stopping);
        var request = new RecordedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.Headers, body)
        {
            Query = context.Request.QueryString,
        };
        _requests.Enqueue(request);
        ScriptedHttpReply? reply;
        if (Refuse(request) is { } refusal)
        {
            reply = refusal;
        }
        else if (!_replies.TryDequeue(out reply))
        {
            reply = new ScriptedHttpReply(599, "text/plain", [$"No scripted reply for request {_requests.Count}."]);
        }

        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, Stopping);
        }

        await WriteAsync(context.Response, reply, Stopping);
    }

    private static async Task WriteAsync(HttpListenerResponse response, ScriptedHttpReply reply, CancellationToken cancellationToken)
    {
        response.StatusCode = reply.Status;
        response.ContentType = reply.ContentType;
        foreach (var (name, value) in reply.Headers)
        {
            response.Headers[name] = value;
        }

        var streamed = reply.Chunks.Count > 1 || reply.CutAfter is not null;
        if (streamed)
        {
            response.SendChunked = true;
        }

        for (var i = 0; i < reply.Chunks.Count; i++)
        {
            if (reply.CutAfter is { } limit && i >= limit)
            {
                response.Abort();
                return;
            }

            var bytes = Encoding.UTF8.GetBytes(reply.Chunks[i]);
            await response.OutputStream.WriteAsync(bytes, cancellationToken);
            await response.OutputStream.FlushAsync(cancellationToken);
        }
    }
}
