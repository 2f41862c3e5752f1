using System.Diagnostics;
using Lumina.Abstractions;
using Lumina.Core.Audit;
using Lumina.Storage.Redis;
using Lumina.Storage.Sqlite;
using Lumina.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tests.Audit;

/// <summary>The audit ledger's store and durability as configured: SQLite or Redis, traced appends, a Full-durability store that is down.</summary>
public sealed class AuditFilterStoreTests : AuditFilterTestBase
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("redis")]
    public async Task Append_IsTracedAsAStoreCall(string store)
    {
        await using var redis = store == "redis" ? await RedisServer.StartAsync() : null;
        using var provider = Build(redis is null ? null : Redis(redis));
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Lumina",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await provider.GetRequiredService<Kernel>().InvokeAsync("probe", "echo", new() { ["text"] = "x" });
        await provider.GetRequiredService<AuditWriter>().FlushAsync();

        lock (spans)
        {
            spans.Should().Contain(s => s.DisplayName == "lumina.store audit_append" && (string?)s.GetTagItem("db.system.name") == store
                && (int?)s.GetTagItem("db.operation.batch.size") == 1);
        }
    }

    [Fact]
    public async Task FullDurability_StoreDown_FailsTheCallWithAClearMessage_AndLogsAnError()
    {
        await using var redis = await RedisServer.StartAsync();
        using var provider = Build(new(Redis(redis)) { ["Lumina:Audit:Durability"] = "Full" });
        var kernel = provider.GetRequiredService<Kernel>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "before" });

        await redis.StopAsync();
        var call = () => kernel.InvokeAsync("probe", "echo", new() { ["text"] = "after" });

        (await call.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("audit ledger is unavailable").And.Contain("probe_echo").And.Contain("Lumina:Audit:FailClosed");
        _logs.Errors.Should().ContainSingle().Which.Should().Contain("probe_echo");
    }

    [Fact]
    public async Task FullDurability_StoreDown_WithFailClosedOff_LetsTheCallThrough_AndLogsAnError()
    {
        await using var redis = await RedisServer.StartAsync();
        using var provider = Build(new(Redis(redis)) { ["Lumina:Audit:FailClosed"] = "false", ["Lumina:Audit:Durability"] = "Full" });
        var kernel = provider.GetRequiredService<Kernel>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "before" });

        await redis.StopAsync();
        var result = await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "after" });

        result.GetValue<string>().Should().Be("after");
        _logs.Errors.Should().ContainSingle();
    }

    [Fact]
    public async Task RedisStore_KeepsTheLedgerInRedis()
    {
        await using var redis = await RedisServer.StartAsync();
        using var provider = Build(Redis(redis));

        await provider.GetRequiredService<Kernel>().InvokeAsync("probe", "echo", new() { ["text"] = "x" });

        Store(provider).Should().BeOfType<RedisAuditLedger>();
        (await Recent(provider)).Should().ContainSingle();
        File.Exists(Path.Combine(_data, "audit.db")).Should().BeFalse();
    }

    [Theory]
    [InlineData(null, AuditDurability.Buffered)]
    [InlineData("Full", AuditDurability.Full)]
    [InlineData("Normal", AuditDurability.Normal)]
    public async Task Durability_ComesFromConfiguration_BufferedByDefault(string? configured, AuditDurability expected)
    {
        using var provider = Build(configured is null ? null : new() { ["Lumina:Audit:Durability"] = configured });

        await provider.GetRequiredService<Kernel>().InvokeAsync("probe", "echo", new() { ["text"] = "x" });

        Store(provider).Should().BeOfType<SqliteAuditLedger>().Which.Durability.Should().Be(expected);
        if (expected == AuditDurability.Buffered)
        {
            provider.GetRequiredService<IAuditLedger>().Should().BeOfType<BufferedAuditLedger>();
        }
        else
        {
            provider.GetRequiredService<IAuditLedger>().Should().BeSameAs(Store(provider));
        }

        (await Recent(provider)).Should().ContainSingle();
    }
}
