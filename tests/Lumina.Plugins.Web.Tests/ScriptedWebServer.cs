using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lumina.Plugins.Web.Tests;

/// <summary>
/// A raw HTTP/1.1 server on a loopback address that answers each connection with a script and counts connections.
/// </summary>
/// <remarks>
/// Raw TCP rather than <c>Lumina.Testing.LoopbackHttpServer</c> (HttpListener): the hostile corpus needs answers an
/// HTTP server library will not send — a Content-Length that lies, a body that stops half-way, any Host header (names
/// from the test resolver), and listeners on 127.0.0.2 and ::1 that only count whether anything reached them.
/// </remarks>
internal sealed class ScriptedWebServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<ScriptedRequest, Stream, CancellationToken, Task> _answer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Task> _handlers = [];
    private readonly Task _loop;
    private int _connections;

    public ScriptedWebServer(IPAddress address, Func<ScriptedRequest, Stream, CancellationToken, Task> answer)
    {
        _answer = answer;
        _listener = new TcpListener(address, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>How many connections were accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The paths requested so far.</summary>
    public ConcurrentQueue<string> Paths { get; } = new();

    /// <summary>A server that answers every request with "reached": what a forbidden address must never see.</summary>
    public static ScriptedWebServer Canary(IPAddress address) =>
        new(address, (_, stream, ct) => WriteAsync(stream, 200, "text/plain", Encoding.UTF8.GetBytes("reached"), ct));

    /// <summary>Writes a whole response.</summary>
    public static async Task WriteAsync(Stream stream, int status, string? contentType, byte[] body, CancellationToken ct, params string[] headers)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} X\r\nConnection: close\r\nContent-Length: {body.Length}\r\n");
        if (contentType is not null)
        {
            head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }

        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct);
        await stream.WriteAsync(body, ct);
    }

    /// <summary>Writes a status line and headers as given (the script decides Content-Length and the body).</summary>
    public static Task WriteHeadAsync(Stream stream, int status, CancellationToken ct, params string[] headers) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nConnection: close\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n"), ct).AsTask();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _loop;
        await Task.WhenAll(_handlers);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // Stopping; InvalidOperationException when the listener was stopped before this accept began.
                return;
            }

            Interlocked.Increment(ref _connections);
            _handlers.Add(Task.Run(() => HandleAsync(client)));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream, _stopping.Token);
                if (request is null)
                {
                    return;
                }

                Paths.Enqueue(request.PathAndQuery);
                await _answer(request, stream, _stopping.Token);
                await stream.FlushAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client went away (a refusal mid-body, a timeout) or the server is stopping.
            }
        }
    }

    private static async Task<ScriptedRequest?> ReadRequestAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), ct);
            if (read == 0)
            {
                return null;
            }

            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var lines = text[..end].Split("\r\n");
                var parts = lines[0].Split(' ');
                var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
                    .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase)
                    .ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.OrdinalIgnoreCase);
                return new ScriptedRequest(parts.Length > 1 ? parts[1] : "/", headers);
            }
        }

        return null;
    }
}

/// <summary>A request the scripted server read: its path and query, and its headers.</summary>
internal sealed record ScriptedRequest(string PathAndQuery, IReadOnlyDictionary<string, string> Headers)
{
    public string Path => PathAndQuery.Split('?')[0];

    public string? Query(string name)
    {
        var query = PathAndQuery.Contains('?', StringComparison.Ordinal) ? PathAndQuery[(PathAndQuery.IndexOf('?', StringComparison.Ordinal) + 1)..] : string.Empty;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv[0] == name)
            {
                return kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
            }
        }

        return null;
    }
}
