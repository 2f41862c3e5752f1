using System.Text;
using Microsoft.Extensions.Caching.Distributed;

namespace Lumina.Host.Tests;

/// <summary>The SSE event store's cache: bounded by what its entries really take, expiring on the host's clock.</summary>
public sealed class EventStoreCacheTests
{
    private static readonly DistributedCacheEntryOptions s_twoMinutes = new() { SlidingExpiration = TimeSpan.FromMinutes(2), AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(2) };

    [Fact]
    public async Task Set_ThenGet_ReturnsTheEvent_AndRemoveForgetsIt()
    {
        using var cache = new EventStoreCache(1024 * 1024, new Clock());
        await cache.SetAsync("stream:1:event:1", Encoding.UTF8.GetBytes("data: hello"), s_twoMinutes);

        Encoding.UTF8.GetString((await cache.GetAsync("stream:1:event:1"))!).Should().Be("data: hello");
        await cache.RemoveAsync("stream:1:event:1");
        (await cache.GetAsync("stream:1:event:1")).Should().BeNull();
    }

    [Fact]
    public void TheLimit_CountsKeysAndBookkeeping_NotOnlyTheEventBytes()
    {
        const long limit = 1024 * 1024;
        using var cache = new EventStoreCache(limit, new Clock());
        var value = new byte[100];
        var keys = Enumerable.Range(0, 5_000).Select(i => $"mcp:sse:{i:D8}:event-with-a-realistic-id").ToList();

        // 5,000 × 100 bytes is under half the limit: counting values alone would keep every event.
        foreach (var key in keys)
        {
            cache.Set(key, value, s_twoMinutes);
        }

        var kept = keys.Count(k => cache.Get(k) is not null);
        kept.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo((int)(limit / EventStoreCache.SizeOf(keys[0], value)));
    }

    [Fact]
    public void AnEvent_ExpiresOnTheHostsClock()
    {
        var clock = new Clock();
        using var cache = new EventStoreCache(1024 * 1024, clock);
        cache.Set("stream:1:event:1", [1, 2, 3], s_twoMinutes);

        clock.Advance(TimeSpan.FromSeconds(119));
        cache.Get("stream:1:event:1").Should().NotBeNull();
        clock.Advance(TimeSpan.FromMinutes(2));
        cache.Get("stream:1:event:1").Should().BeNull();
    }

    private sealed class Clock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
