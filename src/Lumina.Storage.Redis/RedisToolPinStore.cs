using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Federation;
using StackExchange.Redis;

namespace Lumina.Storage.Redis;

/// <summary>
/// The pins of upstream tools in Redis, shared by every host: one hash per server (<c>prefix:pins:server</c>), a field
/// per tool holding its pin as JSON, its time kept to the millisecond like the SQLite store's. The first pin of a tool
/// wins (<c>HSETNX</c>, read back in the same script, so every host racing is told the one that won); an approval
/// replaces it. Pins do not expire.
/// </summary>
public sealed class RedisToolPinStore(IConnectionMultiplexer redis, string prefix) : IToolPinStore
{
    // ARGV: tool, pin JSON. Returns the pin stored: this one, or the one that was there.
    private const string PinIfAbsentScript = """
        redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
        return redis.call('HGET', KEYS[1], ARGV[1])
        """;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public async Task<ToolPin?> GetAsync(string server, string tool, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(tool);
        var value = await Guard(redis.GetDatabase().HashGetAsync(Key(server), tool)).ConfigureAwait(false);
        return value.IsNull ? null : Read(value);
    }

    public async Task<IReadOnlyList<ToolPin>> ListAsync(string server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var entries = await Guard(redis.GetDatabase().HashGetAllAsync(Key(server))).ConfigureAwait(false);
        // A hash keeps no order.
        return [.. entries.Select(e => Read(e.Value)).OrderBy(p => p.Tool, StringComparer.Ordinal)];
    }

    public async Task<ToolPin> PinIfAbsentAsync(ToolPin pin, CancellationToken cancellationToken = default)
    {
        Check(pin);
        var stored = await Guard(redis.GetDatabase().ScriptEvaluateAsync(PinIfAbsentScript, [Key(pin.Server)], [pin.Tool, Write(pin)])).ConfigureAwait(false);
        return Read((RedisValue)stored);
    }

    public async Task SetAsync(ToolPin pin, CancellationToken cancellationToken = default)
    {
        Check(pin);
        await Guard(redis.GetDatabase().HashSetAsync(Key(pin.Server), pin.Tool, Write(pin))).ConfigureAwait(false);
    }

    public Task<bool> RemoveAsync(string server, string tool, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(tool);
        return Guard(redis.GetDatabase().HashDeleteAsync(Key(server), tool));
    }

    private RedisKey Key(string server) => $"{prefix}:pins:{Uri.EscapeDataString(server)}";

    private static string Write(ToolPin pin) =>
        JsonSerializer.Serialize(pin with { PinnedAt = DateTimeOffset.FromUnixTimeMilliseconds(pin.PinnedAt.ToUnixTimeMilliseconds()) }, s_json);

    private static ToolPin Read(RedisValue value) =>
        JsonSerializer.Deserialize<ToolPin>(value.ToString(), s_json) ?? throw new InvalidDataException("A tool pin in Redis is empty.");

    private static void Check(ToolPin pin)
    {
        ArgumentNullException.ThrowIfNull(pin);
        ArgumentNullException.ThrowIfNull(pin.Server);
        ArgumentNullException.ThrowIfNull(pin.Tool);
        ArgumentNullException.ThrowIfNull(pin.Hash);
        ArgumentNullException.ThrowIfNull(pin.Descriptor);
    }

    private static async Task<T> Guard<T>(Task<T> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            throw new LuminaException($"The pin store (Redis) cannot be reached: {ex.Message.Split('.')[0]}.", ex);
        }
    }
}
