using Lumina.Abstractions;
using Lumina.Core.Federation;
using Lumina.Storage.Redis;
using Lumina.Testing;
using Lumina.Testing.Contracts;
using StackExchange.Redis;

namespace Lumina.Core.Tests.Federation;

public sealed class RedisToolPinStoreTests : ToolPinStoreContractTests
{
    private RedisServer _server = null!;
    private ConnectionMultiplexer _redis = null!;

    public override async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
        Store = new RedisToolPinStore(_redis, "test");
    }

    public override async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task APin_IsAFieldOfItsServersHash_AndNeverExpires()
    {
        await Store.PinIfAbsentAsync(new ToolPin("my-server", "a.b/c d", "h", "{}", At, null));
        await Store.SetAsync(new ToolPin("my-server", "weather", "w", "{}", At, "admin"));

        var db = _redis.GetDatabase();
        var key = new RedisKey("test:pins:my-server");

        (await db.KeyTypeAsync(key)).Should().Be(RedisType.Hash);
        (await db.HashKeysAsync(key)).Select(k => k.ToString()).Should().BeEquivalentTo("a.b/c d", "weather");
        (await db.KeyTimeToLiveAsync(key)).Should().BeNull("pins do not expire");
    }

    [Fact]
    public async Task TwoStoresOnOneServer_TrustTheSamePins()
    {
        await using var otherConnection = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
        var other = new RedisToolPinStore(otherConnection, "test");
        var first = Pin("weather", "first");

        await Store.PinIfAbsentAsync(first);

        (await other.PinIfAbsentAsync(Pin("weather", "second"))).Should().Be(first);
        (await new RedisToolPinStore(otherConnection, "elsewhere").GetAsync("srv", "weather")).Should().BeNull("another prefix is another store");
    }

    [Fact]
    public async Task RedisGone_IsAClearError()
    {
        await _server.StopAsync();

        Func<Task>[] operations =
        [
            () => Store.GetAsync("srv", "weather"),
            () => Store.ListAsync("srv"),
            () => Store.PinIfAbsentAsync(Pin("weather", "h")),
            () => Store.SetAsync(Pin("weather", "h")),
            () => Store.RemoveAsync("srv", "weather"),
        ];

        // All at once: each waits out the client's timeout.
        await Task.WhenAll(operations.Select(async operation =>
            (await operation.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("pin store (Redis) cannot be reached")));
    }
}
