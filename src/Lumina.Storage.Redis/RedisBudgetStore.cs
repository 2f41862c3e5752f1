using Lumina.Abstractions;
using StackExchange.Redis;

using Lumina.Core.Budgets;

namespace Lumina.Storage.Redis;

/// <summary>
/// Budget spending in Redis, shared by every host: a Lua script checks every budget of the call and adds to all of
/// them in one step. Keys carry the caller's hash tag and expire a day after their period ends.
/// </summary>
public sealed class RedisBudgetStore(IConnectionMultiplexer redis, string prefix, TimeProvider time) : IBudgetStore
{
    private const string ReserveScript = """
        local amount = tonumber(ARGV[1])
        local n = #KEYS
        for i = 1, n do
          local spent = tonumber(redis.call('GET', KEYS[i]) or '0')
          local limit = tonumber(ARGV[1 + i])
          if spent >= limit or spent + amount > limit then
            return {i, spent}
          end
        end
        for i = 1, n do
          redis.call('INCRBY', KEYS[i], amount)
          local ttl = tonumber(ARGV[1 + n + i])
          if ttl > 0 then redis.call('EXPIRE', KEYS[i], ttl) end
        end
        return {0, 0}
        """;

    public async Task<(BudgetKey Key, long SpentMicros)?> TryReserveAsync(IReadOnlyList<BudgetKey> keys, long micros, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return null;
        }

        var arguments = new List<RedisValue> { micros };
        arguments.AddRange(keys.Select(k => (RedisValue)k.LimitMicros));
        arguments.AddRange(keys.Select(k => (RedisValue)Ttl(k)));
        var result = (RedisResult[])(await RunAsync(ReserveScript, [.. keys.Select(Key)], [.. arguments]).ConfigureAwait(false))!;
        var index = (int)result[0];
        return index == 0 ? null : (keys[index - 1], (long)result[1]);
    }

    public async Task AddAsync(IReadOnlyList<BudgetKey> keys, long micros, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0 || micros == 0)
        {
            return;
        }

        var batch = redis.GetDatabase().CreateBatch();
        var writes = keys.Select(k => batch.StringIncrementAsync(Key(k), micros)).ToList();
        batch.Execute();
        await Guard(Task.WhenAll(writes)).ConfigureAwait(false);
    }

    public async Task<long> GetSpentAsync(BudgetKey key, CancellationToken cancellationToken = default)
    {
        var value = await Guard(redis.GetDatabase().StringGetAsync(Key(key))).ConfigureAwait(false);
        return value.IsNull ? 0 : (long)value;
    }

    private RedisKey Key(BudgetKey key) =>
        $"{prefix}:{{{Uri.EscapeDataString(key.CallerId)}}}:budget:{Uri.EscapeDataString(key.Budget)}:{key.PeriodStart.ToUnixTimeSeconds()}";

    private long Ttl(BudgetKey key) => key.PeriodEnd is { } end ? (long)Math.Max(60, (end - time.GetUtcNow()).TotalSeconds + 86_400) : 0;

    private Task<RedisResult> RunAsync(string script, RedisKey[] keys, RedisValue[] values) => Guard(redis.GetDatabase().ScriptEvaluateAsync(script, keys, values));

    private static async Task<T> Guard<T>(Task<T> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            throw new LuminaException($"The budget store (Redis) cannot be reached: {ex.Message.Split('.')[0]}.", ex);
        }
    }

    private static async Task Guard(Task operation)
    {
        try
        {
            await operation.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            throw new LuminaException($"The budget store (Redis) cannot be reached: {ex.Message.Split('.')[0]}.", ex);
        }
    }
}
