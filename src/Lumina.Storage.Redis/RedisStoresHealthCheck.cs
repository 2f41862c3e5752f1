using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Lumina.Storage.Redis;

/// <summary>
/// Whether the Redis server that holds every store answers PING now, so a load balancer stops sending work to a host
/// that lost it.
/// </summary>
internal sealed class RedisStoresHealthCheck(RedisConnection connection) : IHealthCheck
{
    /// <summary>How long the check may take before the host counts as not ready.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var redis = connection.Multiplexer;
            if (!redis.IsConnected)
            {
                return HealthCheckResult.Unhealthy("Redis is not connected.");
            }

            await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or Lumina.Core.LuminaStartupException)
        {
            return HealthCheckResult.Unhealthy("Redis did not answer PING.", ex);
        }
    }
}
