using Lumina.Abstractions;
using Lumina.Core.Budgets;
using Lumina.Storage.Redis;
using Lumina.Testing;
using Lumina.Testing.Contracts;
using StackExchange.Redis;

namespace Lumina.Core.Tests.Budgets;

public sealed class RedisBudgetStoreTests : BudgetStoreContractTests
{
    private RedisServer _server = null!;
    private ConnectionMultiplexer _redis = null!;

    public override async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
        Store = new RedisBudgetStore(_redis, "test", TimeProvider.System);
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

        var reserve = () => Store.TryReserveAsync([new BudgetKey("daily", "alice", DateTimeOffset.UnixEpoch, null, 100)], 1);

        (await reserve.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("budget store (Redis) cannot be reached");
    }
}
