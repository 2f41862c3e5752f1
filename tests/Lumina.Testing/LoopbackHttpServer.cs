using System.Net;
using System.Net.Sockets;

namespace Lumina.Testing;

/// <summary>
/// An HTTP server on a free loopback port that hands each request, one at a time, to <see cref="AnswerAsync"/>: the
/// accept loop and the shutdown that every loopback stand-in (an OIDC authority, an OTLP collector) needs. The scripted
/// provider servers have their own base (<see cref="Providers.ScriptedHttpServer"/>), with a reply queue and
/// concurrent answers, which a server that answers by path does not need.
/// </summary>
public abstract class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private Task? _loop;

    protected LoopbackHttpServer()
    {
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

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        if (_loop is not null)
        {
            await _loop;
        }

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

    /// <summary>Answers one request; the base closes the response after it (or aborts it when writing failed).</summary>
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

            try
            {
                await AnswerAsync(context);
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
            {
                // The client went away, or the server is stopping while a request was in flight.
                context.Response.Abort();
            }
        }
    }
}
