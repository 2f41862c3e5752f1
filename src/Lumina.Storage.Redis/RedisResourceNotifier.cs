using Lumina.Abstractions;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

using Lumina.Core;

namespace Lumina.Storage.Redis;

/// <summary>
/// Resource changes across hosts: a change reported on one host is published on a Redis channel, and every host
/// (this one included) hands it to its own subscribed sessions. A client subscribed through host B hears about a fact
/// remembered through host A. A per-caller change travels on a channel of its own with its caller's id
/// (<c>&lt;length&gt;:&lt;caller id&gt;&lt;uri&gt;</c>), so every host tells only that caller's sessions.
/// </summary>
internal sealed partial class RedisResourceNotifier : ILuminaResourceNotifier
{
    private readonly IConnectionMultiplexer _redis;
    private readonly LuminaResourceChangeHub _hub;
    private readonly RedisChannel _channel;
    private readonly RedisChannel _callerChannel;
    private readonly ILogger _logger;

    public RedisResourceNotifier(IConnectionMultiplexer redis, LuminaResourceChangeHub hub, string keyPrefix, ILogger<RedisResourceNotifier> logger)
    {
        _redis = redis;
        _hub = hub;
        _logger = logger;
        _channel = RedisChannel.Literal($"{keyPrefix}:resource-changes");
        _callerChannel = RedisChannel.Literal($"{keyPrefix}:resource-changes:caller");
        _redis.GetSubscriber().Subscribe(_channel, (channel, uri) => _ = RelayAsync(new LuminaResourceChange(uri.ToString(), CallerId: null)));
        _redis.GetSubscriber().Subscribe(_callerChannel, (channel, message) =>
        {
            if (ParseCallerChange(message.ToString()) is { } change)
            {
                _ = RelayAsync(change);
            }
        });
    }

    public ValueTask NotifyUpdatedAsync(string uri, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        return PublishAsync(_channel, uri, new LuminaResourceChange(uri, CallerId: null), cancellationToken);
    }

    public ValueTask NotifyCallerUpdatedAsync(string uri, string callerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        ArgumentException.ThrowIfNullOrEmpty(callerId);
        return PublishAsync(_callerChannel, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{callerId.Length}:{callerId}{uri}"), new LuminaResourceChange(uri, callerId), cancellationToken);
    }

    /// <summary>A per-caller change as published: <c>&lt;length of the caller id&gt;:&lt;caller id&gt;&lt;uri&gt;</c>; <see langword="null"/> when malformed.</summary>
    internal static LuminaResourceChange? ParseCallerChange(string message)
    {
        var colon = message.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && int.TryParse(message.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
            && length > 0 && message.Length - colon - 1 > length
            ? new LuminaResourceChange(message[(colon + 1 + length)..], message.Substring(colon + 1, length))
            : null;
    }

    private async ValueTask PublishAsync(RedisChannel channel, string message, LuminaResourceChange change, CancellationToken cancellationToken)
    {
        try
        {
            await _redis.GetSubscriber().PublishAsync(channel, message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            // Other hosts miss this one while Redis is away; this host's own subscribers still hear it.
            LogPublishFailed(change.Uri, ex.Message);
            await _hub.NotifyAsync(change, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Hands a change to this host's subscribers; it never throws, so it can run unobserved from the subscription.</summary>
    private async Task RelayAsync(LuminaResourceChange change)
    {
        try
        {
            await _hub.NotifyAsync(change).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRelayFailed(change.Uri, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the change of {Uri} to other hosts: {Reason}")]
    private partial void LogPublishFailed(string uri, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not notify subscribers that {Uri} changed: {Reason}")]
    private partial void LogRelayFailed(string uri, string reason);
}
