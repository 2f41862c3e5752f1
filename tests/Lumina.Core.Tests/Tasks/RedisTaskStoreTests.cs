using Lumina.Abstractions;
using Lumina.Core.Tasks;
using Lumina.Storage.Redis;
using Lumina.Testing;
using Lumina.Testing.Contracts;
using StackExchange.Redis;

namespace Lumina.Core.Tests.Tasks;

public sealed class RedisTaskStoreTests : TaskStoreContractTests
{
    private RedisServer _server = null!;
    private ConnectionMultiplexer _redis = null!;

    public override async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
        Store = new RedisTaskStore(_redis, "test", Clock);
    }

    public override async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task RedisForgetsATask_AtItsExpiry_ByItself()
    {
        var created = await Store.CreateAsync(NewTask() with { Ttl = TimeSpan.FromMinutes(5) });
        var key = new RedisKey($"test:task:{created.Id}");

        var ttl = await _redis.GetDatabase().KeyTimeToLiveAsync(key);

        ttl.Should().NotBeNull();
        ttl!.Value.Should().BeCloseTo(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30));

        Clock.Advance(TimeSpan.FromMinutes(3));
        await Store.UpdateAsync(created.Id, t => t with { LastUpdatedAt = Clock.GetUtcNow() });
        (await _redis.GetDatabase().KeyTimeToLiveAsync(key))!.Value.Should().BeCloseTo(TimeSpan.FromMinutes(8), TimeSpan.FromSeconds(30), "a change moves the expiry");
    }

    [Fact]
    public async Task RedisGone_IsAClearError()
    {
        await _server.StopAsync();

        var get = () => Store.GetAsync("some-task");
        var create = () => Store.CreateAsync(NewTask());

        (await get.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("task store (Redis) cannot be reached");
        (await create.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("task store (Redis) cannot be reached");
    }
}
