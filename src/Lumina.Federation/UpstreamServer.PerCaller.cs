using System.Collections.Concurrent;
using Lumina.Abstractions;
using Microsoft.Extensions.Logging;

namespace Lumina.Federation;

/// <summary>
/// <see cref="UpstreamServerOptions.PerCaller"/>: each caller's calls go to a connection (a process, over stdio) of
/// their own, made at their first call and closed after <see cref="UpstreamServerOptions.IdleTimeout"/> unused; the
/// shared connection only lists the server's tools, prompts and resources. At most
/// <see cref="UpstreamServerOptions.MaxConnections"/> callers have one at a time.
/// </summary>
internal sealed partial class UpstreamServer
{
    private readonly ConcurrentDictionary<string, CallerConnection> _callers = new(StringComparer.Ordinal);
    private readonly Lock _callersGate = new();
    private ITimer? _sweeper;

    /// <summary>How many callers have a connection of their own now.</summary>
    public int CallerConnections => _callers.Count;

    /// <summary>The connection of <paramref name="callerId"/>, made if there is none; in use until <see cref="Release"/>.</summary>
    /// <exception cref="LuminaException">As many callers as may have one already do.</exception>
    private CallerConnection Acquire(string callerId)
    {
        lock (_callersGate)
        {
            if (_stopping)
            {
                throw new LuminaException($"The upstream server '{Name}' is stopping with the host.");
            }

            if (!_callers.TryGetValue(callerId, out var connection))
            {
                if (_callers.Count >= Options.MaxConnections)
                {
                    throw new LuminaException(
                        $"The upstream server '{Name}' already runs {_callers.Count} connections, one per caller (Lumina:Servers:{Name}:MaxConnections): try again when one has been idle for {Options.IdleTimeout}.");
                }

                connection = new CallerConnection(new UpstreamServer(Name, Options, _registry, _services, _loggers, _time, callerId));
                _callers[callerId] = connection;
                var period = Options.IdleTimeout / 4 < TimeSpan.FromMinutes(1) ? Options.IdleTimeout / 4 : TimeSpan.FromMinutes(1);
                _sweeper ??= _time.CreateTimer(_ => _ = SweepAsync(), null, period, period);
                LogCallerConnection(Name, callerId);
            }

            connection.InUse++;
            connection.LastUsed = _time.GetUtcNow();
            return connection;
        }
    }

    private void Release(CallerConnection connection)
    {
        lock (_callersGate)
        {
            connection.InUse--;
            connection.LastUsed = _time.GetUtcNow();
        }
    }

    /// <summary>Closes the connections no call has used for <see cref="UpstreamServerOptions.IdleTimeout"/>.</summary>
    private async Task SweepAsync()
    {
        var idle = new List<(string Caller, CallerConnection Connection)>();
        lock (_callersGate)
        {
            var before = _time.GetUtcNow() - Options.IdleTimeout;
            foreach (var (caller, connection) in _callers)
            {
                if (connection.InUse == 0 && connection.LastUsed <= before && _callers.TryRemove(caller, out _))
                {
                    idle.Add((caller, connection));
                }
            }
        }

        foreach (var (caller, connection) in idle)
        {
            LogCallerConnectionClosed(Name, caller);
            await CloseQuietlyAsync(connection.Server).ConfigureAwait(false);
        }
    }

    /// <summary>Closes every caller's connection (the host stops).</summary>
    private async Task CloseCallerConnectionsAsync()
    {
        if (Interlocked.Exchange(ref _sweeper, null) is { } sweeper)
        {
            await sweeper.DisposeAsync().ConfigureAwait(false);
        }

        List<CallerConnection> all;
        lock (_callersGate)
        {
            all = [.. _callers.Values];
            _callers.Clear();
        }

        foreach (var connection in all)
        {
            await CloseQuietlyAsync(connection.Server).ConfigureAwait(false);
        }
    }

    private async Task CloseQuietlyAsync(UpstreamServer server)
    {
        try
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            LogCallerConnectionCloseFailed(ex, Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream server {Server}: a connection of its own for caller {Caller}")]
    private partial void LogCallerConnection(string server, string caller);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream server {Server}: the idle connection of caller {Caller} is closed")]
    private partial void LogCallerConnectionClosed(string server, string caller);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server}: a caller's connection did not close cleanly")]
    private partial void LogCallerConnectionCloseFailed(Exception exception, string server);

    /// <summary>One caller's connection: how many of their calls use it now, and when one last did.</summary>
    private sealed class CallerConnection(UpstreamServer server)
    {
        public UpstreamServer Server { get; } = server;

        public int InUse { get; set; }

        public DateTimeOffset LastUsed { get; set; }
    }
}
