using Lumina.Abstractions;
using Lumina.Core.Audit;

namespace Lumina.Testing.Contracts;

/// <summary>
/// The behaviour every audit ledger must have, run against each real store: chaining, reading, concurrent appenders
/// keeping one chain, and tampering done directly in the store (edit, delete, reorder, truncate) detected at the right
/// record.
/// </summary>
public abstract class AuditLedgerContractTests : IAsyncLifetime
{
    protected ManualWallClock Time { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    protected IAuditLedger Ledger { get; private set; } = null!;

    /// <summary>A ledger over the shared store, as another host would open it.</summary>
    protected abstract Task<IAuditLedger> OpenAsync();

    /// <summary>Changes the function name of record <paramref name="sequence"/> in place, directly in the store.</summary>
    protected abstract Task EditAsync(long sequence, string functionName);

    /// <summary>Removes record <paramref name="sequence"/> directly in the store.</summary>
    protected abstract Task DeleteAsync(long sequence);

    /// <summary>Swaps the places of two records directly in the store.</summary>
    protected abstract Task SwapAsync(long first, long second);

    /// <summary>Cuts the last <paramref name="count"/> records off the store, leaving its head.</summary>
    protected abstract Task TruncateAsync(int count);

    public virtual async Task InitializeAsync() => Ledger = await OpenAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected AuditEntry Entry(int i, AuditOutcome outcome = AuditOutcome.Ok) => new(
        Time.GetUtcNow(), $"user{i % 3}", "user", LuminaTransport.Http, $"probe_f{i}", new string('a', 64), outcome,
        outcome == AuditOutcome.Ok ? null : "InvalidOperationException", i);

    protected async Task AppendAsync(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await Ledger.AppendAsync(Entry(i));
            Time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task Empty_VerifiesIntactWithNoRecords()
    {
        var verification = await Ledger.VerifyAsync();

        verification.IsIntact.Should().BeTrue();
        verification.Count.Should().Be(0);
        (await Ledger.ReadRecentAsync(10)).Should().BeEmpty();
    }

    [Fact]
    public async Task Append_NumbersAndChainsEachRecord()
    {
        var first = await Ledger.AppendAsync(Entry(1, AuditOutcome.Error));
        Time.Advance(TimeSpan.FromSeconds(1));
        var second = await Ledger.AppendAsync(Entry(2));

        first.Sequence.Should().Be(1);
        first.PreviousHash.Should().Be(new string('0', 64));
        first.ErrorKind.Should().Be("InvalidOperationException");
        second.Sequence.Should().Be(2);
        second.PreviousHash.Should().Be(first.Hash);
        second.Hash.Should().MatchRegex("^[0-9a-f]{64}$").And.NotBe(first.Hash);
        var verification = await Ledger.VerifyAsync();
        verification.IsIntact.Should().BeTrue(verification.Reason);
        verification.Count.Should().Be(2);
        verification.HeadHash.Should().Be(second.Hash);
    }

    [Fact]
    public async Task Records_ReadBackExactlyAsAppended()
    {
        var appended = await Ledger.AppendAsync(Entry(7, AuditOutcome.Denied) with { ErrorKind = "Forbidden", Transport = LuminaTransport.Stdio, Time = Time.GetUtcNow().AddTicks(1234) });

        var read = (await (await OpenAsync()).ReadRecentAsync(1)).Should().ContainSingle().Subject;

        read.Should().Be(appended);
        read.Time.Should().Be(Time.GetUtcNow(), "time is kept to the millisecond, and the hash covers what is kept");
    }

    [Fact]
    public async Task ReadRecentAndRange_ReturnRecordsOldestFirst()
    {
        await AppendAsync(10);

        (await Ledger.ReadRecentAsync(3)).Select(r => r.Sequence).Should().Equal(8, 9, 10);
        (await Ledger.ReadRecentAsync(50)).Should().HaveCount(10);
        (await Ledger.ReadRangeAsync(4, 3)).Select(r => r.Sequence).Should().Equal(4, 5, 6);
        (await Ledger.ReadRangeAsync(9, 10)).Select(r => r.Sequence).Should().Equal(9, 10);
        (await Ledger.ReadRangeAsync(11, 10)).Should().BeEmpty();
        (await Ledger.ReadRecentAsync(0)).Should().BeEmpty();
    }

    [Fact]
    public async Task AnotherInstance_ContinuesTheSameChain()
    {
        await AppendAsync(2);
        var other = await OpenAsync();

        var third = await other.AppendAsync(Entry(3));
        var fourth = await Ledger.AppendAsync(Entry(4));

        third.Sequence.Should().Be(3);
        fourth.Sequence.Should().Be(4);
        fourth.PreviousHash.Should().Be(third.Hash);
        (await other.VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == 4);
    }

    [Fact]
    public async Task ConcurrentAppends_FromSeveralHosts_KeepOneValidChain()
    {
        var hosts = new List<IAuditLedger> { Ledger };
        for (var i = 0; i < 3; i++)
        {
            hosts.Add(await OpenAsync());
        }

        var appended = await Task.WhenAll(hosts.SelectMany((host, h) => Enumerable.Range(0, 25).Select(i => Task.Run(() => host.AppendAsync(Entry((h * 25) + i))))));

        appended.Select(r => r.Sequence).Should().BeEquivalentTo(Enumerable.Range(1, 100).Select(i => (long)i));
        var verification = await Ledger.VerifyAsync();
        verification.IsIntact.Should().BeTrue(verification.Reason);
        verification.Count.Should().Be(100);
    }

    [Fact]
    public async Task AppendBatch_ChainsTheEntriesInOrder_AfterTheHead()
    {
        await AppendAsync(2);
        var second = (await Ledger.ReadRecentAsync(1))[0];

        var batch = await Ledger.AppendBatchAsync([Entry(3), Entry(4, AuditOutcome.Error), Entry(5)]);

        batch.Select(r => r.Sequence).Should().Equal(3, 4, 5);
        batch[0].PreviousHash.Should().Be(second.Hash);
        batch[2].PreviousHash.Should().Be(batch[1].Hash);
        (await Ledger.AppendBatchAsync([])).Should().BeEmpty();
        (await (await OpenAsync()).ReadRangeAsync(3, 10)).Should().Equal(batch);
        (await Ledger.AppendAsync(Entry(6))).PreviousHash.Should().Be(batch[2].Hash);
        (await Ledger.VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == 6);
    }

    [Fact]
    public async Task ConcurrentBatches_FromSeveralHosts_KeepOneValidChain_EachBatchInOnePiece()
    {
        var hosts = new List<IAuditLedger> { Ledger };
        for (var i = 0; i < 3; i++)
        {
            hosts.Add(await OpenAsync());
        }

        var batches = await Task.WhenAll(hosts.SelectMany((host, h) => Enumerable.Range(0, 5).Select(b => Task.Run(() =>
            host.AppendBatchAsync([.. Enumerable.Range(0, 10).Select(i => Entry((h * 1000) + (b * 10) + i))])))));

        foreach (var batch in batches)
        {
            batch.Select(r => r.Sequence).Should().Equal(Enumerable.Range((int)batch[0].Sequence, 10).Select(i => (long)i));
        }

        batches.SelectMany(b => b).Select(r => r.Sequence).Should().BeEquivalentTo(Enumerable.Range(1, 200).Select(i => (long)i));
        var verification = await Ledger.VerifyAsync();
        verification.IsIntact.Should().BeTrue(verification.Reason);
        verification.Count.Should().Be(200);
    }

    [Fact]
    public async Task EditedRecord_IsReportedAsAlteredAtItsSequence()
    {
        await AppendAsync(6);

        await EditAsync(4, "files_delete");

        var verification = await Ledger.VerifyAsync();
        verification.IsIntact.Should().BeFalse();
        verification.FirstBadSequence.Should().Be(4);
        verification.Fault.Should().Be(AuditFault.Altered);
        verification.Count.Should().Be(3);
        verification.Reason.Should().Contain("record 4");
    }

    [Fact]
    public async Task DeletedRecord_IsReportedAsRemovedAtItsSequence()
    {
        await AppendAsync(6);

        await DeleteAsync(3);

        var verification = await Ledger.VerifyAsync();
        verification.FirstBadSequence.Should().Be(3);
        verification.Fault.Should().Be(AuditFault.Removed);
    }

    [Fact]
    public async Task DeletedFirstRecord_IsReportedAsRemoved()
    {
        await AppendAsync(3);

        await DeleteAsync(1);

        var verification = await Ledger.VerifyAsync();
        verification.FirstBadSequence.Should().Be(1);
        verification.Fault.Should().Be(AuditFault.Removed);
    }

    [Fact]
    public async Task SwappedRecords_AreReportedAsReorderedAtTheFirstDisplacedSequence()
    {
        await AppendAsync(6);

        await SwapAsync(2, 5);

        var verification = await Ledger.VerifyAsync();
        verification.FirstBadSequence.Should().Be(2);
        verification.Fault.Should().Be(AuditFault.Reordered);
    }

    [Fact]
    public async Task TruncatedTail_IsDetectedAgainstTheStoredHead()
    {
        await AppendAsync(6);

        await TruncateAsync(2);

        var verification = await Ledger.VerifyAsync();
        verification.FirstBadSequence.Should().Be(5);
        verification.Fault.Should().Be(AuditFault.Truncated);
        verification.Count.Should().Be(4);
    }

    [Fact]
    public async Task TamperedLedger_StillAcceptsAppends_AndStaysBroken()
    {
        await AppendAsync(3);
        await EditAsync(2, "system_describe");

        await Ledger.AppendAsync(Entry(4));

        (await Ledger.VerifyAsync()).FirstBadSequence.Should().Be(2);
    }
}
