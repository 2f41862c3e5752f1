using Lumina.Abstractions;
using StackExchange.Redis;

using Lumina.Core.Tasks;

namespace Lumina.Storage.Redis;

/// <summary>
/// Tasks in Redis, shared by every host: each task is a hash (<c>prefix:task:id</c>) of its JSON, its version and its
/// expiry. Lua scripts create it only where none lives and replace it only on the version read, so hosts never overwrite
/// each other; the key expires at the task's <see cref="LuminaTaskRecord.ExpiresAt"/>, so Redis forgets it by itself.
/// </summary>
/// <remarks>
/// Expiry is judged by the host's clock (the <see cref="TimeProvider"/> given) as well, so a task past its time is gone at once even
/// where the clocks of the host and of Redis disagree.
/// </remarks>
public sealed class RedisTaskStore(IConnectionMultiplexer redis, string prefix, TimeProvider time) : ILuminaTaskStore
{
    // ARGV: data, expires (unix ms), now (unix ms). Returns 1 when created, 0 when a live task has the id.
    private const string CreateScript = """
        local expires = redis.call('HGET', KEYS[1], 'expires')
        if expires and tonumber(expires) > tonumber(ARGV[3]) then
          return 0
        end
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'data', ARGV[1], 'version', 1, 'expires', ARGV[2])
        redis.call('PEXPIREAT', KEYS[1], ARGV[2])
        return 1
        """;

    // ARGV: data, expires (unix ms), now (unix ms), expected version. Returns the new version, or 0 when the task changed
    // or expired since it was read.
    private const string ReplaceScript = """
        local stored = redis.call('HMGET', KEYS[1], 'version', 'expires')
        if not stored[1] or not stored[2] or tonumber(stored[1]) ~= tonumber(ARGV[4]) or tonumber(stored[2]) <= tonumber(ARGV[3]) then
          return 0
        end
        redis.call('HSET', KEYS[1], 'data', ARGV[1], 'expires', ARGV[2])
        local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
        redis.call('PEXPIREAT', KEYS[1], ARGV[2])
        return version
        """;

    private static readonly RedisValue[] s_fields = ["data", "version", "expires"];

    public async Task<LuminaTaskRecord> CreateAsync(LuminaTaskRecord task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentException.ThrowIfNullOrEmpty(task.Id);
        var created = task with { Version = 1 };
        var result = await RunAsync(CreateScript, Key(created.Id), LuminaTaskJson.Serialize(created), created.ExpiresAt.ToUnixTimeMilliseconds(), Now()).ConfigureAwait(false);
        return (long)result == 1 ? created : throw new InvalidOperationException($"A task with id '{task.Id}' exists.");
    }

    public async Task<LuminaTaskRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var values = await Guard(redis.GetDatabase().HashGetAsync(Key(id), s_fields)).ConfigureAwait(false);
        if (values[0].IsNull || values[1].IsNull || values[2].IsNull || (long)values[2] <= Now())
        {
            return null;
        }

        return LuminaTaskJson.Deserialize(values[0].ToString()) with { Version = (long)values[1] };
    }

    public async Task<LuminaTaskRecord?> TryReplaceAsync(LuminaTaskRecord task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var replaced = task with { Version = task.Version + 1 };
        var result = await RunAsync(ReplaceScript, Key(task.Id), LuminaTaskJson.Serialize(replaced), replaced.ExpiresAt.ToUnixTimeMilliseconds(), Now(), task.Version).ConfigureAwait(false);
        var version = (long)result;
        return version == 0 ? null : replaced with { Version = version };
    }

    private RedisKey Key(string id) => $"{prefix}:task:{Uri.EscapeDataString(id)}";

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private Task<RedisResult> RunAsync(string script, RedisKey key, params RedisValue[] values) =>
        Guard(redis.GetDatabase().ScriptEvaluateAsync(script, [key], values));

    private static async Task<T> Guard<T>(Task<T> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            throw new LuminaException($"The task store (Redis) cannot be reached: {ex.Message.Split('.')[0]}.", ex);
        }
    }
}
