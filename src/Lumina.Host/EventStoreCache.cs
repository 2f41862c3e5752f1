using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;

namespace Lumina.Host;

/// <summary>
/// The in-process cache behind the resumable SSE event store, bounded by what its entries really take
/// (<c>Lumina:Http:MaxEventStoreBytes</c>): each entry counts its value, its key and the cache's own bookkeeping.
/// </summary>
/// <remarks>
/// <see cref="MemoryDistributedCache"/> counts only the value's bytes against its size limit. The SDK's events are
/// small (a few hundred bytes), so the keys and each entry's bookkeeping — measured at ~200 bytes beyond key and value —
/// went uncounted, and under a soak of small replies a "64 MiB" store took ~700 MiB of resident memory
/// (bench/results/soak-20261123-1520.md; with a 4 MiB limit the same load stayed at 200 MiB).
/// </remarks>
internal sealed class EventStoreCache(long maxBytes, TimeProvider time) : IDistributedCache, IDisposable
{
    /// <summary>What an entry costs beyond its key and value (cache entry, expiration state, dictionary slot).</summary>
    internal const int EntryOverheadBytes = 200;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions
    {
        SizeLimit = maxBytes,
        // Past the limit, make room for a good share of new events at once rather than 5 % at a time.
        CompactionPercentage = 0.25,
        Clock = new TimeProviderClock(time),
    });

    /// <summary>What an entry of <paramref name="key"/> and <paramref name="value"/> counts against the limit.</summary>
    internal static long SizeOf(string key, byte[] value) => value.LongLength + (key.Length * 2L) + EntryOverheadBytes;

    public byte[]? Get(string key) => _cache.Get<byte[]>(key);

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        _cache.Set(key, value, new MemoryCacheEntryOptions
        {
            AbsoluteExpiration = options.AbsoluteExpiration,
            AbsoluteExpirationRelativeToNow = options.AbsoluteExpirationRelativeToNow,
            SlidingExpiration = options.SlidingExpiration,
            Size = SizeOf(key, value),
        });
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }

    public void Refresh(string key) => _cache.TryGetValue(key, out _);

    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        Refresh(key);
        return Task.CompletedTask;
    }

    public void Remove(string key) => _cache.Remove(key);

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Remove(key);
        return Task.CompletedTask;
    }

    public void Dispose() => _cache.Dispose();

#pragma warning disable CS0618 // ISystemClock is what MemoryCacheOptions.Clock takes.
    private sealed class TimeProviderClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
#pragma warning restore CS0618
}
