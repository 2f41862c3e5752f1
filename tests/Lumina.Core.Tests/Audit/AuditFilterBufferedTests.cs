using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Audit;
using Lumina.Storage.Sqlite;
using Lumina.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tests.Audit;

/// <summary>The buffered audit writer: concurrent calls, draining on disposal, a store that is down or locked, a full queue.</summary>
public sealed class AuditFilterBufferedTests : AuditFilterTestBase
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Buffered_ConcurrentCalls_AreAllRecordedInEachCallersOrder_AndTheChainVerifies(bool redisStore)
    {
        await using var redis = redisStore ? await RedisServer.StartAsync() : null;
        using var provider = Build(redis is null ? null : Redis(redis));
        var kernel = provider.GetRequiredService<Kernel>();
        const int Flows = 8, CallsPerFlow = 50;

        await Task.WhenAll(Enumerable.Range(0, Flows).Select(flow => Task.Run(async () =>
        {
            for (var i = 0; i < CallsPerFlow; i++)
            {
                await kernel.InvokeAsync("probe", "echo", new() { ["text"] = $"{flow}:{i}" });
            }
        })));
        await provider.GetRequiredService<AuditWriter>().FlushAsync();

        var records = await Store(provider).ReadRangeAsync(1, 10_000);
        records.Should().HaveCount(Flows * CallsPerFlow);
        var calls = Enumerable.Range(0, Flows).SelectMany(flow => Enumerable.Range(0, CallsPerFlow).Select(i => (flow, i)))
            .ToDictionary(c => AuditChain.DigestArguments(new KernelArguments { ["text"] = $"{c.flow}:{c.i}" }));
        var made = records.Select(r => calls[r.ArgumentsDigest]).ToList();
        made.Should().OnlyHaveUniqueItems();
        foreach (var flow in Enumerable.Range(0, Flows))
        {
            made.Where(c => c.flow == flow).Select(c => c.i).Should().BeInAscendingOrder($"flow {flow} made its calls one after another");
        }

        (await Store(provider).VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == Flows * CallsPerFlow);
        provider.GetRequiredService<AuditWriter>().Pending.Should().Be(0);
    }

    [Fact]
    public async Task Buffered_DisposingTheProvider_WritesEveryQueuedRecord()
    {
        var provider = Build();
        var kernel = provider.GetRequiredService<Kernel>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "first" });
        await provider.GetRequiredService<AuditWriter>().FlushAsync();

        // The writer waits on the file's lock (within its busy timeout), so every record below is still queued when the
        // provider is disposed.
        var writeLock = await LockLedgerAsync();
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => kernel.InvokeAsync("probe", "echo", new() { ["text"] = $"{i}" }))));
        provider.GetRequiredService<AuditWriter>().Pending.Should().Be(300);
        var disposed = Task.Run(provider.Dispose);
        await writeLock.DisposeAsync();
        await disposed;

        using var fresh = new SqliteAuditLedger(Path.Combine(_data, "audit.db"));
        (await fresh.VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == 301);
    }

    [Fact]
    public async Task Buffered_ArgumentsChangedOrDisposedAfterTheCall_AreDigestedAsTheyWereAsked()
    {
        // The writer digests the arguments after the call has returned (off the call's path): what the caller does to
        // them meanwhile must not change the record.
        using var provider = Build();
        var kernel = provider.GetRequiredService<Kernel>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "first" });
        await provider.GetRequiredService<AuditWriter>().FlushAsync();
        var writeLock = await LockLedgerAsync();

        var document = JsonDocument.Parse("""{"text":"from a document the caller disposes"}""");
        var fromDocument = new KernelArguments { ["text"] = document.RootElement.GetProperty("text") };
        var documentDigest = AuditChain.DigestArguments(fromDocument);
        await kernel.InvokeAsync("probe", "echo", fromDocument);
        document.Dispose();
        var changed = new KernelArguments { ["text"] = "as asked" };
        await kernel.InvokeAsync("probe", "echo", changed);
        changed["text"] = "changed afterwards";
        changed["extra"] = "added afterwards";
        provider.GetRequiredService<AuditWriter>().Pending.Should().Be(2, "the writer waits on the lock, so both records are still queued");

        await writeLock.DisposeAsync();
        await provider.GetRequiredService<AuditWriter>().FlushAsync();
        var records = await Recent(provider);
        records.Select(r => r.ArgumentsDigest).Should().Equal(Digest("first"), documentDigest, Digest("as asked"));
        (await Store(provider).VerifyAsync()).IsIntact.Should().BeTrue();
    }

    [Fact]
    public async Task Buffered_RedisDown_RefusesCallsBeforeTheyRun_KeepsTheRecords_AndWritesThemWhenItIsBack()
    {
        await using var redis = await RedisServer.StartAsync();
        using var provider = Build(Redis(redis), Quick);
        var kernel = provider.GetRequiredService<Kernel>();
        var writer = provider.GetRequiredService<AuditWriter>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "before" });
        await writer.FlushAsync();

        await redis.StopAsync();
        (await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "during" })).GetValue<string>().Should().Be("during");
        await Eventually(() => writer.Failure is not null, "the writer finds the store down");
        var echoes = _probe.Echoes;
        var refused = () => kernel.InvokeAsync("probe", "echo", new() { ["text"] = "refused" });

        (await refused.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("audit ledger is unavailable")
            .And.Contain("refused before it ran").And.Contain("probe_echo").And.Contain("Lumina:Audit:FailClosed");
        _probe.Echoes.Should().Be(echoes, "a refused call does not run");
        _logs.Errors.Should().Contain(e => e.Contains("Could not write 1 audit records", StringComparison.Ordinal));

        // The restarted server is empty (no persistence): the kept record is chained anew from its genesis.
        await redis.StartAgainAsync();
        await Eventually(() => writer.Pending == 0 && writer.Failure is null, "the writer writes the kept record");
        (await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "after" })).GetValue<string>().Should().Be("after");
        var records = await Recent(provider);
        records.Select(r => r.ArgumentsDigest).Should().Equal(Digest("during"), Digest("after"));
        (await Store(provider).VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == 2);
    }

    [Fact]
    public async Task Buffered_SqliteLocked_RefusesCallsBeforeTheyRun_KeepsTheRecords_AndWritesThemWhenItIsFree()
    {
        using var provider = Build(tuning: Quick);
        var kernel = provider.GetRequiredService<Kernel>();
        var writer = provider.GetRequiredService<AuditWriter>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "before" });
        await writer.FlushAsync();

        await using (await LockLedgerAsync())
        {
            await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "during" });
            await Eventually(() => writer.Failure is not null, "the writer's batch times out on the lock");
            var refused = () => kernel.InvokeAsync("probe", "echo", new() { ["text"] = "refused" });

            (await refused.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("audit ledger is unavailable").And.Contain("refused before it ran");
            var read = () => provider.GetRequiredService<IAuditLedger>().ReadRecentAsync(10);
            (await read.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("1 records wait to be written");
        }

        await Eventually(() => writer.Pending == 0 && writer.Failure is null, "the writer writes the kept record");
        (await Recent(provider)).Select(r => r.ArgumentsDigest).Should().Equal(Digest("before"), Digest("during"));
        (await Store(provider).VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == 2);
        _logs.Errors.Should().Contain(e => e.Contains("Could not write 1 audit records", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Buffered_StoreDown_WithFailClosedOff_CallsRun_TheErrorIsLogged_AndTheRecordsFollowLater()
    {
        using var provider = Build(new() { ["Lumina:Audit:FailClosed"] = "false" }, Quick);
        var kernel = provider.GetRequiredService<Kernel>();
        var writer = provider.GetRequiredService<AuditWriter>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "before" });
        await writer.FlushAsync();

        await using (await LockLedgerAsync())
        {
            (await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "one" })).GetValue<string>().Should().Be("one");
            await Eventually(() => writer.Failure is not null, "the writer's batch times out on the lock");
            (await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "two" })).GetValue<string>().Should().Be("two");
            _logs.Errors.Should().Contain(e => e.Contains("Could not write 1 audit records", StringComparison.Ordinal));
        }

        await Eventually(() => writer.Pending == 0 && writer.Failure is null, "the writer writes the kept records");
        (await Recent(provider)).Select(r => r.ArgumentsDigest).Should().Equal(Digest("before"), Digest("one"), Digest("two"));
    }

    [Fact]
    public async Task Buffered_QueueFull_RefusesCallsBeforeTheyRun()
    {
        using var provider = Build(new() { ["Lumina:Audit:MaxPending"] = "2" });
        var kernel = provider.GetRequiredService<Kernel>();
        var writer = provider.GetRequiredService<AuditWriter>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "before" });
        await writer.FlushAsync();

        await using (await LockLedgerAsync())
        {
            await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "one" });
            await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "two" });
            var echoes = _probe.Echoes;
            var refused = () => kernel.InvokeAsync("probe", "echo", new() { ["text"] = "three" });

            (await refused.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("audit queue is full (2 records")
                .And.Contain("Lumina:Audit:MaxPending").And.Contain("refused before it ran");
            _probe.Echoes.Should().Be(echoes);
        }

        await writer.FlushAsync();
        (await Recent(provider)).Select(r => r.ArgumentsDigest).Should().Equal(Digest("before"), Digest("one"), Digest("two"));
    }

    [Fact]
    public async Task Buffered_QueueFull_WithFailClosedOff_RunsTheCall_DropsItsRecord_AndLogsHowManyWereDropped()
    {
        using var provider = Build(new() { ["Lumina:Audit:MaxPending"] = "2", ["Lumina:Audit:FailClosed"] = "false" });
        var kernel = provider.GetRequiredService<Kernel>();
        var writer = provider.GetRequiredService<AuditWriter>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "before" });
        await writer.FlushAsync();

        await using (await LockLedgerAsync())
        {
            foreach (var text in (string[])["one", "two", "three", "four"])
            {
                (await kernel.InvokeAsync("probe", "echo", new() { ["text"] = text })).GetValue<string>().Should().Be(text);
            }

            _logs.Errors.Should().ContainSingle().Which.Should().Contain("audit queue is full").And.Contain("probe_echo");
        }

        await writer.FlushAsync();
        (await Recent(provider)).Select(r => r.ArgumentsDigest).Should().Equal(Digest("before"), Digest("one"), Digest("two"));
        _logs.Errors.Should().Contain(e => e.StartsWith("2 audit records were dropped", StringComparison.Ordinal));
    }
}
