using System.Collections.Concurrent;
using Lumina.Core;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>
/// Which session subscribed to which resource, and the notifications they get when a plugin reports a change
/// through <see cref="LuminaResourceChangeHub"/>.
/// </summary>
internal sealed partial class ResourceSubscriptions : IDisposable
{
    // Keyed by session id; a stdio server has one session, keyed by the empty string.
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly IDisposable _listener;
    private readonly ILogger _logger;

    public ResourceSubscriptions(LuminaResourceChangeHub hub, ILogger<ResourceSubscriptions> logger)
    {
        _logger = logger;
        _listener = hub.Listen(NotifyAsync);
    }

    public void Subscribe(McpServer server, string uri)
    {
        var session = _sessions.GetOrAdd(server.SessionId ?? string.Empty, _ => new Session());
        session.Server = server;
        session.Uris.TryAdd(uri, 0);
    }

    public void Unsubscribe(McpServer server, string uri)
    {
        if (_sessions.TryGetValue(server.SessionId ?? string.Empty, out var session))
        {
            session.Uris.TryRemove(uri, out _);
        }
    }

    /// <summary>Forgets a session that ended.</summary>
    public void EndSession(string? sessionId) => _sessions.TryRemove(sessionId ?? string.Empty, out _);

    /// <summary>Uses the session-wide server (not a per-request one) to reach the session after the subscribing request ended.</summary>
    public void AttachSession(McpServer server)
    {
        if (_sessions.TryGetValue(server.SessionId ?? string.Empty, out var session))
        {
            session.Server = server;
        }
        else
        {
            _sessions.TryAdd(server.SessionId ?? string.Empty, new Session { Server = server });
        }
    }

    public void Dispose() => _listener.Dispose();

    private async ValueTask NotifyAsync(string uri, CancellationToken cancellationToken)
    {
        foreach (var (id, session) in _sessions)
        {
            if (!session.Uris.ContainsKey(uri) || session.Server is not { } server)
            {
                continue;
            }

            try
            {
                await server.SendNotificationAsync(
                    NotificationMethods.ResourceUpdatedNotification,
                    new ResourceUpdatedNotificationParams { Uri = uri },
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A session that went away must not stop the others from hearing about the change.
                LogNotifyFailed(ex, uri, id);
                _sessions.TryRemove(id, out _);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not notify session {Session} that {Uri} changed; it is forgotten.")]
    private partial void LogNotifyFailed(Exception exception, string uri, string session);

    private sealed class Session
    {
        public McpServer? Server { get; set; }

        public ConcurrentDictionary<string, byte> Uris { get; } = new(StringComparer.Ordinal);
    }
}
