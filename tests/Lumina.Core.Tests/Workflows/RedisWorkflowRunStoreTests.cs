using Lumina.Abstractions;
using Lumina.Core.Workflows;
using Lumina.Storage.Redis;
using Lumina.Testing;
using Lumina.Testing.Contracts;
using StackExchange.Redis;

namespace Lumina.Core.Tests.Workflows;

public sealed class RedisWorkflowRunStoreTests : WorkflowRunStoreContractTests
{
    private RedisServer _server = null!;
    private ConnectionMultiplexer _redis = null!;

    public override async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
        Store = new RedisWorkflowRunStore(_redis, "test", Clock);
    }

    public override async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task AFinishedRun_SetsATtlOnAllItsKeys_ARunningOneNone()
    {
        var created = await Store.CreateAsync(NewRun() with { Ttl = TimeSpan.FromMinutes(5) });
        await Store.AddCheckpointAsync(created.Id, "c1", null, "{}");
        await Store.AddCheckpointAsync(created.Id, "c2", "c1", "{}");
        await Store.RecordStepAsync(created.Id, "a", "{}");
        var keys = KeysOf(created.Id);

        foreach (var key in keys)
        {
            (await Db.KeyExistsAsync(key)).Should().BeTrue($"{key} is written");
            (await Db.KeyTimeToLiveAsync(key)).Should().BeNull($"{key} belongs to a running run");
        }

        await Store.TryReplaceAsync(created with { Status = WorkflowRunStatus.Completed, LastUpdatedAt = Clock.GetUtcNow() });

        foreach (var key in keys)
        {
            var ttl = await Db.KeyTimeToLiveAsync(key);
            ttl.Should().NotBeNull($"{key} belongs to a finished run");
            ttl!.Value.Should().BeCloseTo(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30));
        }

        // A step recorded after the end goes with the run.
        await Store.RecordStepAsync(created.Id, "late", "{}");
        (await Db.KeyTimeToLiveAsync(new RedisKey($"test:wfrun:{created.Id}:steps"))).Should().NotBeNull();
    }

    [Fact]
    public async Task ARunRedisForgot_LeavesTheIndexes_WhenListed()
    {
        var created = await Store.CreateAsync(NewRun() with { OwnerId = "user-bob" });
        (await Db.SortedSetScoreAsync("test:wfruns", created.Id)).Should().NotBeNull();
        (await Db.SortedSetScoreAsync("test:wfruns:owner:user-bob", created.Id)).Should().NotBeNull();

        // What its expiry in Redis looks like.
        await Db.KeyDeleteAsync([.. KeysOf(created.Id)]);

        (await Store.ListAsync()).Should().BeEmpty();
        (await Store.ListAsync("user-bob")).Should().BeEmpty();
        (await Db.SortedSetScoreAsync("test:wfruns", created.Id)).Should().BeNull();
        (await Db.SortedSetScoreAsync("test:wfruns:owner:user-bob", created.Id)).Should().BeNull();
    }

    [Fact]
    public async Task AnUnreachableRedis_IsAClearError()
    {
        var closed = ClosedPort();
        var options = ConfigurationOptions.Parse($"127.0.0.1:{closed}");
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 500;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        await using var nowhere = await ConnectionMultiplexer.ConnectAsync(options);
        var store = new RedisWorkflowRunStore(nowhere, "test", Clock);

        var get = () => store.GetAsync("some-run");
        var create = () => store.CreateAsync(NewRun());
        var list = () => store.ListAsync();
        var step = () => store.RecordStepAsync("some-run", "a", "{}");

        foreach (var call in new Func<Task>[] { get, create, list, step })
        {
            (await call.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("workflow run store (Redis) cannot be reached");
        }
    }

    [Fact]
    public async Task RedisGone_IsAClearError()
    {
        await _server.StopAsync();

        var get = () => Store.GetAsync("some-run");
        var checkpoint = () => Store.AddCheckpointAsync("some-run", "c1", null, "{}");

        (await get.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("workflow run store (Redis) cannot be reached");
        (await checkpoint.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("workflow run store (Redis) cannot be reached");
    }

    private IDatabase Db => _redis.GetDatabase();

    /// <summary>A loopback port nothing listens on: taken from the system, then let go.</summary>
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static RedisKey[] KeysOf(string id)
    {
        var run = $"test:wfrun:{id}";
        return [run, $"{run}:checkpoints", $"{run}:checkpoint-data", $"{run}:checkpoint-parents", $"{run}:steps", $"{run}:step-order"];
    }
}
