using Lumina.Abstractions;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Lumina.Core.Memory;

/// <summary>
/// Resource changes across hosts: a change reported on one host is published on a Redis channel, and every host
/// (this one included) hands it to its own subscribed sessions. A client subscribed through host B hears about a fact
/// remembered through host A.
/// </summary>
internal sealed partial class RedisResourceNotifier : ILuminaResourceNotifier
{
    private readonly IConnectionMultiplexer _redis;
    private readonly LuminaResourceChangeHub _hub;
    private readonly RedisChannel _channel;
    private readonly ILogger _logger;

    public RedisResourceNotifier(IConnectionMultiplexer redis, LuminaResourceChangeHub hub, MemoryOptions options, ILogger<RedisResourceNotifier> logger)
    {
        _redis = redis;
        _hub = hub;
        _logger = logger;
        _channel = RedisChannel.Literal($"{options.KeyPrefix}:resource-changes");
        _redis.GetSubscriber().Subscribe(_channel, (channel, uri) => _ = RelayAsync(uri.ToString()));
    }

    public async ValueTask NotifyUpdatedAsync(string uri, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        try
        {
            await _redis.GetSubscriber().PublishAsync(_channel, uri).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            // Other hosts miss this one while Redis is away; this host's own subscribers still hear it.
            LogPublishFailed(uri, ex.Message);
            await _hub.NotifyUpdatedAsync(uri, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Hands a change to this host's subscribers; it never throws, so it can run unobserved from the subscription.</summary>
    private async Task RelayAsync(string uri)
    {
        try
        {
            await _hub.NotifyUpdatedAsync(uri).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRelayFailed(uri, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the change of {Uri} to other hosts: {Reason}")]
    private partial void LogPublishFailed(string uri, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not notify subscribers that {Uri} changed: {Reason}")]
    private partial void LogRelayFailed(string uri, string reason);
}
