using Lumina.Core.Policy;
using Lumina.Storage.Redis;
using Lumina.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Lumina.Core.Tests.Policy;

public sealed class RateLimitStoreTests
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static readonly RateLimitOptions s_limits = new() { PermitsPerMinute = 60, Burst = 3 };

    [Fact]
    public async Task InMemory_BurstSpent_RefusesWithTheWait_ThenRefills()
    {
        var clock = new FakeTimeProvider(s_start);
        var store = new InMemoryRateLimitStore(clock);

        for (var i = 0; i < 3; i++)
        {
            (await store.TryTakeAsync("ada", s_limits)).Should().Be(TimeSpan.Zero);
        }

        (await store.TryTakeAsync("ada", s_limits)).Should().Be(TimeSpan.FromSeconds(1));
        (await store.TryTakeAsync("bob", s_limits)).Should().Be(TimeSpan.Zero, "each caller has a bucket of their own");

        clock.Advance(TimeSpan.FromMilliseconds(500));
        (await store.TryTakeAsync("ada", s_limits)).Should().Be(TimeSpan.FromMilliseconds(500));
        clock.Advance(TimeSpan.FromMilliseconds(500));
        (await store.TryTakeAsync("ada", s_limits)).Should().Be(TimeSpan.Zero);

        // A long pause refills to the burst, never beyond.
        clock.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 3; i++)
        {
            (await store.TryTakeAsync("ada", s_limits)).Should().Be(TimeSpan.Zero);
        }

        (await store.TryTakeAsync("ada", s_limits)).Should().BeGreaterThan(TimeSpan.Zero);
    }

    [Fact]
    public async Task InMemory_ClockGoingBack_RefillsNothing()
    {
        // FakeTimeProvider refuses to go back; a host's wall clock does (NTP, a VM resumed).
        var clock = new ManualWallClock(s_start);
        var store = new InMemoryRateLimitStore(clock);
        for (var i = 0; i < 3; i++)
        {
            await store.TryTakeAsync("ada", s_limits);
        }

        clock.Advance(TimeSpan.FromMinutes(-5));
        (await store.TryTakeAsync("ada", s_limits)).Should().BeGreaterThan(TimeSpan.Zero);
    }

    [Fact]
    public async Task Redis_TwoHosts_ShareOneBucketPerCaller()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var first = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var second = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var clock = new FakeTimeProvider(s_start);
        var hostA = new RedisRateLimitStore(first, "lumina-test", clock);
        var hostB = new RedisRateLimitStore(second, "lumina-test", clock);

        (await hostA.TryTakeAsync("ada", s_limits)).Should().Be(TimeSpan.Zero);
        (await hostB.TryTakeAsync("ada", s_limits)).Should().Be(TimeSpan.Zero);
        (await hostA.TryTakeAsync("ada", s_limits)).Should().Be(TimeSpan.Zero);
        (await hostB.TryTakeAsync("ada", s_limits)).Should().Be(TimeSpan.FromSeconds(1), "the two hosts spent the one bucket between them");
        (await hostA.TryTakeAsync("bob", s_limits)).Should().Be(TimeSpan.Zero);

        clock.Advance(TimeSpan.FromSeconds(1));
        (await hostB.TryTakeAsync("ada", s_limits)).Should().Be(TimeSpan.Zero);
        (await hostA.TryTakeAsync("ada", s_limits)).Should().Be(TimeSpan.FromSeconds(1));

        var ttl = await first.GetDatabase().KeyTimeToLiveAsync("lumina-test:{ada}:ratelimit");
        ttl.Should().NotBeNull("an idle caller's bucket expires");
        ttl!.Value.Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Redis_ManyConcurrentTakes_NeverSpendMoreThanTheBurst()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var first = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var second = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var clock = new FakeTimeProvider(s_start);
        var limits = new RateLimitOptions { PermitsPerMinute = 60, Burst = 25 };
        var stores = new[] { new RedisRateLimitStore(first, "lumina-test", clock), new RedisRateLimitStore(second, "lumina-test", clock) };

        var waits = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => stores[i % 2].TryTakeAsync("ada", limits).AsTask()));

        waits.Count(w => w == TimeSpan.Zero).Should().Be(25);
    }

    [Fact]
    public async Task Redis_Unreachable_ClearError()
    {
        await using var redis = await RedisServer.StartAsync();
        var options = ConfigurationOptions.Parse(redis.ConnectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 500;
        options.SyncTimeout = 500;
        options.AsyncTimeout = 500;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        await redis.StopAsync();
        var store = new RedisRateLimitStore(connection, "lumina-test", new FakeTimeProvider(s_start));

        var take = async () => await store.TryTakeAsync("ada", s_limits);

        (await take.Should().ThrowAsync<Lumina.Abstractions.LuminaException>()).Which.Message.Should().StartWith("The rate limit store (Redis) cannot be reached");
    }
}

