using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Lumina.Testing;

/// <summary>
/// An HTTP server on a free loopback port that hands each request to <see cref="AnswerAsync"/>: the accept loop and
/// the shutdown every loopback stand-in needs (an OIDC authority, an OTLP collector, the scripted model providers).
/// It answers one request at a time, or each on its own task when a delayed answer must not hold up the next.
/// </summary>
public abstract class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Task> _handlers = [];
    private readonly bool _concurrent;
    private Task? _loop;

    /// <param name="concurrent">Answer each request on its own task, so a delayed answer does not hold up the next.</param>
    protected LoopbackHttpServer(bool concurrent = false)
    {
        _concurrent = concurrent;
        Port = FreePort();
        _listener.Prefixes.Add($"{BaseAddress}/");
    }

    public int Port { get; }

    /// <summary>The server's address, without a trailing slash.</summary>
    public string BaseAddress => $"http://127.0.0.1:{Port}";

    /// <summary>A loopback port nothing listens on yet.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Cancelled when the server stops: what an answer waits on (a scripted delay) ends with it.</summary>
    protected CancellationToken Stopping => _stopping.Token;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        if (_loop is not null)
        {
            await _loop;
        }

        await Task.WhenAll(_handlers);
        _stopping.Dispose();

        // No Close() after Stop(): the managed listener would look its endpoint up again to remove it, binding the
        // port anew — and fail with "Address already in use" when another test has taken the port meanwhile.
        await OnStoppedAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts listening; a derived class calls it once its constructor has set up what answering needs.</summary>
    protected void Start()
    {
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>
    /// Answers one request; the base closes the response after it (a response the answer closed or aborted itself
    /// stays so), or aborts it when the client went away.
    /// </summary>
    protected abstract Task AnswerAsync(HttpListenerContext context);

    /// <summary>Releases what the derived server holds, once the accept loop has ended (on disposal).</summary>
    protected virtual ValueTask OnStoppedAsync() => ValueTask.CompletedTask;

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

            if (_concurrent)
            {
                _handlers.Add(Task.Run(() => HandleAsync(context)));
            }
            else
            {
                await HandleAsync(context);
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            await AnswerAsync(context);
            context.Response.Close();
        }
        catch (Exception)
        {
            // The client went away (a timeout in the test), the server is stopping while a request was in flight, or
            // the answer could not be made: the client sees the connection cut, which fails a test that expected more.
            context.Response.Abort();
        }
    }
}
