using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lumina.Core.Tests.Providers;

/// <summary>
/// An OpenAI-compatible chat completions endpoint on a free loopback port that answers as the test scripts it:
/// a status code, or a completion with a given text. It counts the requests it received.
/// </summary>
public sealed class ScriptedOpenAiServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private int _requests;

    public ScriptedOpenAiServer(int status, string answer = "scripted answer")
    {
        Status = status;
        Answer = answer;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}/v1";

    public int Status { get; set; }

    public string Answer { get; set; }

    public int Requests => _requests;

    /// <summary>When set, a streaming request gets only this many chunks before the connection is cut.</summary>
    public int? BreakStreamAfter { get; set; }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _listener.Close();
    }

    /// <summary>A port nothing listens on: connecting to it is refused.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>The answer as server-sent chunks, one word each; cut short when <see cref="BreakStreamAfter"/> says so.</summary>
    private async Task StreamAsync(HttpListenerContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.SendChunked = true;
        var words = Answer.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            if (BreakStreamAfter is { } limit && i >= limit)
            {
                context.Response.Abort();
                return;
            }

            var chunk = Chunk(new System.Text.Json.Nodes.JsonObject { ["content"] = i == 0 ? words[i] : " " + words[i] }, finishReason: null);
            await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes($"data: {chunk}\n\n"));
            await context.Response.OutputStream.FlushAsync();
        }

        var last = Chunk(new System.Text.Json.Nodes.JsonObject(), finishReason: "stop");
        await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes($"data: {last}\n\n"));
        await context.Response.OutputStream.WriteAsync("data: [DONE]\n\n"u8.ToArray());
        context.Response.Close();
    }

    private static string Completion(string answer)
    {
        var completion = Envelope("chat.completion", new System.Text.Json.Nodes.JsonObject
        {
            ["index"] = 0,
            ["message"] = new System.Text.Json.Nodes.JsonObject { ["role"] = "assistant", ["content"] = answer },
            ["finish_reason"] = "stop",
        });
        completion["usage"] = new System.Text.Json.Nodes.JsonObject { ["prompt_tokens"] = 11, ["completion_tokens"] = 3, ["total_tokens"] = 14 };
        return completion.ToJsonString();
    }

    private static string Chunk(System.Text.Json.Nodes.JsonObject delta, string? finishReason) =>
        Envelope("chat.completion.chunk", new System.Text.Json.Nodes.JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }).ToJsonString();

    private static System.Text.Json.Nodes.JsonObject Envelope(string kind, System.Text.Json.Nodes.JsonObject choice) => new()
    {
        ["id"] = "chatcmpl-1",
        ["object"] = kind,
        ["created"] = 1763884800,
        ["model"] = "scripted",
        ["choices"] = new System.Text.Json.Nodes.JsonArray(choice),
    };

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            using var reader = new StreamReader(context.Request.InputStream);
            var request = await reader.ReadToEndAsync();
            if (Status == 200 && request.Contains("\"stream\":true", StringComparison.Ordinal))
            {
                await StreamAsync(context);
                continue;
            }

            context.Response.StatusCode = Status;
            context.Response.ContentType = "application/json";
            var body = Status == 200 ? Completion(Answer) : """{"error":{"message":"scripted failure","type":"server_error"}}""";
            var bytes = Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
