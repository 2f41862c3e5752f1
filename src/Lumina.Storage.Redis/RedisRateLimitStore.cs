using Lumina.Abstractions;
using StackExchange.Redis;

using Lumina.Core.Policy;

namespace Lumina.Storage.Redis;

/// <summary>
/// Token buckets in Redis, shared by every host: one Lua script refills and takes in one step, so two hosts never
/// spend the same token. Keys carry the caller's hash tag and expire once the bucket would be full again.
/// </summary>
/// <remarks>
/// The time comes from the host's <see cref="TimeProvider"/> (so tests can drive it); hosts' clocks are assumed to agree
/// to well within a token's interval. A clock behind the bucket's last refill refills nothing.
/// </remarks>
public sealed class RedisRateLimitStore(IConnectionMultiplexer redis, string prefix, TimeProvider time) : IRateLimitStore
{
    private const string TakeScript = """
        local burst = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local now = tonumber(ARGV[3])
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(state[1])
        local at = tonumber(state[2])
        if tokens == nil or at == nil then
          tokens = burst
          at = now
        end
        if now > at then
          tokens = math.min(burst, tokens + (now - at) * rate)
          at = now
        end
        local wait = 0
        if tokens >= 1 then
          tokens = tokens - 1
        else
          wait = math.ceil((1 - tokens) / rate)
        end
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
        redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
        return wait
        """;

    public async ValueTask<TimeSpan> TryTakeAsync(string callerId, RateLimitOptions limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callerId);
        ArgumentNullException.ThrowIfNull(limits);
        RedisKey key = $"{prefix}:{{{Uri.EscapeDataString(callerId)}}}:ratelimit";
        RedisValue[] arguments = [limits.Burst, limits.PermitsPerMinute / 60_000d, time.GetUtcNow().ToUnixTimeMilliseconds()];
        try
        {
            var wait = (long)await redis.GetDatabase().ScriptEvaluateAsync(TakeScript, [key], arguments).ConfigureAwait(false);
            return TimeSpan.FromMilliseconds(wait);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            throw new LuminaException($"The rate limit store (Redis) cannot be reached: {ex.Message.Split('.')[0]}.", ex);
        }
    }
}
