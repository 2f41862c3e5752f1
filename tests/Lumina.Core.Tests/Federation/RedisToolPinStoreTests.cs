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
    public async Task RedisGone_IsAClearError()
    {
        await _server.StopAsync();

        var get = () => Store.GetAsync("srv", "weather");

        (await get.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("pin store (Redis) cannot be reached");
    }

    [Fact]
    public async Task PinsNeverExpire()
    {
        await Store.SetAsync(new ToolPin("srv", "weather", "h", "{}", DateTimeOffset.UnixEpoch, null));

        (await _redis.GetDatabase().KeyTimeToLiveAsync("test:pins:srv")).Should().BeNull();
    }
}
