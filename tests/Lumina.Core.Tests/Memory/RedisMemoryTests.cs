using Lumina.Abstractions;
using Lumina.Abstractions.Memory;
using Lumina.Core.Memory;
using Lumina.Storage.Redis;
using Lumina.Testing;
using Lumina.Testing.Contracts;
using StackExchange.Redis;

namespace Lumina.Core.Tests.Memory;

public sealed class RedisMemoryTests : MemoryContractTests
{
    private RedisServer _server = null!;
    private ConnectionMultiplexer _redis = null!;

    public override async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        var configuration = ConfigurationOptions.Parse(_server.ConnectionString);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = 2000;
        configuration.SyncTimeout = 2000;
        configuration.AsyncTimeout = 2000;
        _redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        await base.InitializeAsync();
    }

    protected override Task<ILuminaMemory> CreateAsync(MemoryOptions options, TimeProvider time, FactEmbedder? embedder = null)
    {
        // A store with embeddings keeps its facts apart from the plain one's.
        var prefix = embedder is null ? "lumina" : "embedded";
        return Task.FromResult<ILuminaMemory>(new RedisMemory(_redis, prefix, options, time, embedder));
    }

    public override async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Keys_ArePrefixedAndNamespacedPerUser()
    {
        await Memory.RememberAsync("ada:x", "a fact", []);

        var keys = _redis.GetServer(_redis.GetEndPoints()[0]).Keys(pattern: "*").Select(k => k.ToString()).ToList();

        keys.Should().Equal("lumina:{ada%3Ax}:facts");
    }

    [Fact]
    public async Task RedisLost_CallsFailClearlyWithoutPartialWrites_AndRecoverWhenItReturns()
    {
        await Memory.RememberAsync("ada", "before the outage", []);

        await _server.StopAsync();
        var during = () => Memory.RememberAsync("ada", "during the outage", []);
        var reading = () => Memory.RecallAsync("ada", "outage", 5);
        (await during.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("unavailable").And.Contain(_server.ConnectionString);
        await reading.Should().ThrowAsync<LuminaException>();

        await _server.StartAgainAsync();
        // The connection heals by itself; until then the store keeps saying so.
        var facts = await Eventually.SucceedsAsync<IReadOnlyList<MemoryFact>, LuminaException>(() => Memory.ListFactsAsync("ada", 10));

        // The server came back empty (no persistence in this test): nothing from the outage was half-written.
        facts.Should().NotBeNull("the store recovers without a restart");
        facts!.Select(f => f.Text).Should().NotContain("during the outage");
        (await Memory.RememberAsync("ada", "after the outage", [])).Text.Should().Be("after the outage");
    }
}
