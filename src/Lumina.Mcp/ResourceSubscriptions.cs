using Lumina.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>
/// Which session subscribed to which resource, as which caller, and the notifications they get when a plugin reports a
/// change through <see cref="LuminaResourceChangeHub"/>: a change of one caller's own resource reaches only that
/// caller's subscriptions.
/// </summary>
/// <remarks>
/// Bounded: at most <see cref="LuminaMcpOptions.MaxSubscriptionsPerSession"/> per session and
/// <see cref="LuminaMcpOptions.MaxSubscriptions"/> in all; one more is refused before anything is stored.
/// </remarks>
internal sealed partial class ResourceSubscriptions : IDisposable
{
    // Keyed by session id; a stdio server has one session, keyed by the empty string. Guarded by _gate (subscribing is
    // rare; the counts must not race past their caps).
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly IOptions<LuminaMcpOptions> _options;
    private readonly IDisposable _listener;
    private readonly ILogger _logger;
    private int _count;

    public ResourceSubscriptions(LuminaResourceChangeHub hub, IOptions<LuminaMcpOptions> options, ILogger<ResourceSubscriptions> logger)
    {
        _options = options;
        _logger = logger;
        _listener = hub.Listen(NotifyAsync);
    }

    /// <summary>How many subscriptions all sessions hold.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Subscribes the session of <paramref name="server"/> to <paramref name="uri"/> for <paramref name="callerId"/>; subscribing again changes nothing.</summary>
    /// <exception cref="McpProtocolException">The session or the server holds as many subscriptions as it may.</exception>
    public void Subscribe(McpServer server, string uri, string callerId)
    {
        var limits = _options.Value;
        lock (_gate)
        {
            var key = server.SessionId ?? string.Empty;
            if (!_sessions.TryGetValue(key, out var session))
            {
                session = new Session();
                _sessions.Add(key, session);
            }

            session.Server = server;
            if (session.Uris.ContainsKey(uri))
            {
                session.Uris[uri] = callerId;
                return;
            }

            if (session.Uris.Count >= limits.MaxSubscriptionsPerSession)
            {
                throw new McpProtocolException(
                    $"This session already holds {session.Uris.Count} resource subscriptions, the most one session may hold (Lumina:Mcp:MaxSubscriptionsPerSession); unsubscribe from one first.",
                    McpErrorCode.InvalidRequest);
            }

            if (_count >= limits.MaxSubscriptions)
            {
                throw new McpProtocolException(
                    $"The server holds {_count} resource subscriptions, the most it keeps for all sessions (Lumina:Mcp:MaxSubscriptions); try again later.",
                    McpErrorCode.InvalidRequest);
            }

            session.Uris.Add(uri, callerId);
            _count++;
        }
    }

    public void Unsubscribe(McpServer server, string uri)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(server.SessionId ?? string.Empty, out var session) && session.Uris.Remove(uri))
            {
                _count--;
            }
        }
    }

    /// <summary>Forgets a session that ended.</summary>
    public void EndSession(string? sessionId)
    {
        lock (_gate)
        {
            Forget(sessionId ?? string.Empty);
        }
    }

    /// <summary>Uses the session-wide server (not a per-request one) to reach the session after the subscribing request ended.</summary>
    public void AttachSession(McpServer server)
    {
        lock (_gate)
        {
            var key = server.SessionId ?? string.Empty;
            if (_sessions.TryGetValue(key, out var session))
            {
                session.Server = server;
            }
            else
            {
                _sessions.Add(key, new Session { Server = server });
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    private async ValueTask NotifyAsync(LuminaResourceChange change, CancellationToken cancellationToken)
    {
        List<(string Id, McpServer Server)> targets = [];
        lock (_gate)
        {
            foreach (var (id, session) in _sessions)
            {
                // A per-caller change (CallerId set) concerns only the subscriptions that caller made.
                if (session.Server is { } server && session.Uris.TryGetValue(change.Uri, out var subscriber)
                    && (change.CallerId is null || string.Equals(change.CallerId, subscriber, StringComparison.Ordinal)))
                {
                    targets.Add((id, server));
                }
            }
        }

        foreach (var (id, server) in targets)
        {
            try
            {
                await server.SendNotificationAsync(
                    NotificationMethods.ResourceUpdatedNotification,
                    new ResourceUpdatedNotificationParams { Uri = change.Uri },
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A session that went away must not stop the others from hearing about the change.
                LogNotifyFailed(ex, change.Uri, id);
                lock (_gate)
                {
                    Forget(id);
                }
            }
        }
    }

    private void Forget(string sessionId)
    {
        if (_sessions.Remove(sessionId, out var session))
        {
            _count -= session.Uris.Count;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not notify session {Session} that {Uri} changed; it is forgotten.")]
    private partial void LogNotifyFailed(Exception exception, string uri, string session);

    private sealed class Session
    {
        public McpServer? Server { get; set; }

        /// <summary>The subscribed URIs, each with the id of the caller who subscribed.</summary>
        public Dictionary<string, string> Uris { get; } = new(StringComparer.Ordinal);
    }
}
