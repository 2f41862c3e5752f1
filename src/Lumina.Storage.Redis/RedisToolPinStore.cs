using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Federation;
using StackExchange.Redis;

namespace Lumina.Storage.Redis;

/// <summary>
/// The pins of upstream tools in Redis, shared by every host: one hash per server (<c>prefix:pins:server</c>), a field
/// per tool holding its pin as JSON. The first pin of a tool wins (<c>HSETNX</c>); an approval replaces it. Pins do
/// not expire.
/// </summary>
public sealed class RedisToolPinStore(IConnectionMultiplexer redis, string prefix) : IToolPinStore
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public async Task<ToolPin?> GetAsync(string server, string tool, CancellationToken cancellationToken = default)
    {
        var value = await Guard(redis.GetDatabase().HashGetAsync(Key(server), tool)).ConfigureAwait(false);
        return value.IsNull ? null : Read(value);
    }

    public async Task<IReadOnlyList<ToolPin>> ListAsync(string server, CancellationToken cancellationToken = default)
    {
        var entries = await Guard(redis.GetDatabase().HashGetAllAsync(Key(server))).ConfigureAwait(false);
        return [.. entries.Select(e => Read(e.Value)).OrderBy(p => p.Tool, StringComparer.Ordinal)];
    }

    public async Task<ToolPin> PinIfAbsentAsync(ToolPin pin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pin);
        var database = redis.GetDatabase();
        await Guard(database.HashSetAsync(Key(pin.Server), pin.Tool, Write(pin), When.NotExists)).ConfigureAwait(false);
        var stored = await Guard(database.HashGetAsync(Key(pin.Server), pin.Tool)).ConfigureAwait(false);
        return stored.IsNull ? pin : Read(stored);
    }

    public Task SetAsync(ToolPin pin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pin);
        return Guard(redis.GetDatabase().HashSetAsync(Key(pin.Server), pin.Tool, Write(pin)));
    }

    public Task<bool> RemoveAsync(string server, string tool, CancellationToken cancellationToken = default) =>
        Guard(redis.GetDatabase().HashDeleteAsync(Key(server), tool));

    private RedisKey Key(string server) => $"{prefix}:pins:{Uri.EscapeDataString(server)}";

    private static string Write(ToolPin pin) => JsonSerializer.Serialize(pin, s_json);

    private static ToolPin Read(RedisValue value) =>
        JsonSerializer.Deserialize<ToolPin>(value.ToString(), s_json) ?? throw new LuminaException("A stored pin is empty.");

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

    private static async Task Guard(Task operation) => await Guard(operation.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default)).ConfigureAwait(false);
}
