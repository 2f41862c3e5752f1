using Lumina.Core.Audit;
using Lumina.Storage.Sqlite;
using Lumina.Testing;
using Lumina.Testing.Contracts;
using Microsoft.Data.Sqlite;

namespace Lumina.Core.Tests.Audit;

public sealed class SqliteAuditLedgerTests : AuditLedgerContractTests
{
    private readonly string _folder = TestData.NewDirectory();

    private string DatabasePath => Path.Combine(_folder, "audit.db");

    protected override Task<IAuditLedger> OpenAsync() => Task.FromResult<IAuditLedger>(new SqliteAuditLedger(DatabasePath));

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task UpdateAndDelete_AreRefusedByTheStore()
    {
        await AppendAsync(2);

        var update = () => ExecuteAsync("UPDATE audit SET function = 'x' WHERE seq = 1", dropGuards: false);
        var delete = () => ExecuteAsync("DELETE FROM audit WHERE seq = 2", dropGuards: false);

        (await update.Should().ThrowAsync<SqliteException>()).Which.Message.Should().Contain("append-only");
        (await delete.Should().ThrowAsync<SqliteException>()).Which.Message.Should().Contain("append-only");
        (await Ledger.VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == 2);
    }

    [Fact]
    public async Task UnparsableValue_IsReportedAsAltered()
    {
        await AppendAsync(3);

        await ExecuteAsync("UPDATE audit SET outcome = 'Fine' WHERE seq = 2");

        (await Ledger.VerifyAsync()).Should().Match<AuditVerification>(v => v.FirstBadSequence == 2 && v.Fault == AuditFault.Altered);
    }

    [Fact]
    public async Task RecordInsertedBeyondTheHead_IsReported()
    {
        await AppendAsync(3);

        await ExecuteAsync("""
            INSERT INTO audit(seq, time, caller_id, caller_role, transport, function, args_digest, outcome, error_kind, duration_ms, prev_hash, hash)
            SELECT 4, time, caller_id, caller_role, transport, function, args_digest, outcome, error_kind, duration_ms, hash, hash FROM audit WHERE seq = 3
            """);

        (await Ledger.VerifyAsync()).Should().Match<AuditVerification>(v => v.FirstBadSequence == 4 && v.Fault == AuditFault.Altered);
    }

    [Fact]
    public async Task FailedWrite_IsRolledBack_AndTheNextAppendContinuesTheChain()
    {
        await AppendAsync(1);
        await ExecuteAsync("CREATE TRIGGER audit_refuse BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'the disk says no'); END", dropGuards: false);

        var refused = () => Ledger.AppendAsync(Entry(2));
        (await refused.Should().ThrowAsync<SqliteException>()).Which.Message.Should().Contain("the disk says no");

        await ExecuteAsync("DROP TRIGGER audit_refuse", dropGuards: false);
        var next = await Ledger.AppendAsync(Entry(3));
        var other = await Ledger.AppendAsync(Entry(4));

        next.Sequence.Should().Be(2);
        other.PreviousHash.Should().Be(next.Hash);
        (await Ledger.VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == 3);
    }

    /// <summary>Text is stored as the UTF-8 the hash was computed over, so a record of any text reads back and verifies.</summary>
    [Fact]
    public async Task TextOutsideAscii_IsStoredAsHashed()
    {
        var written = await Ledger.AppendAsync(Entry(1) with { CallerId = "ädä 🙂 \"x\" \udc00", ErrorKind = "Ωmega" });

        var read = (await Ledger.ReadRecentAsync(1)).Single();

        read.CallerId.Should().Be("ädä 🙂 \"x\" \ufffd", "a lone surrogate is stored as UTF-8's replacement character, as it was hashed");
        read.ErrorKind.Should().Be("Ωmega");
        read.Hash.Should().Be(written.Hash);
        (await Ledger.VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == 1);
    }

    [Fact]
    public async Task NormalDurability_AppendsAndVerifiesLikeFull()
    {
        using var normal = new SqliteAuditLedger(Path.Combine(_folder, "normal.db"), AuditDurability.Normal);

        for (var i = 0; i < 3; i++)
        {
            await normal.AppendAsync(Entry(i));
        }

        normal.Durability.Should().Be(AuditDurability.Normal);
        (await normal.VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == 3);
    }

    protected override Task EditAsync(long sequence, string functionName) =>
        ExecuteAsync($"UPDATE audit SET function = '{functionName}' WHERE seq = {sequence}");

    protected override Task DeleteAsync(long sequence) => ExecuteAsync($"DELETE FROM audit WHERE seq = {sequence}");

    // Each row takes the other's contents, so the two records trade places in the file's order.
    protected override Task SwapAsync(long first, long second) => ExecuteAsync($"""
        UPDATE audit SET seq = -seq WHERE seq IN ({first}, {second});
        CREATE TEMP TABLE swap AS SELECT * FROM audit WHERE seq IN (-{first}, -{second});
        UPDATE audit SET (seq, time, caller_id, caller_role, transport, function, args_digest, outcome, error_kind, duration_ms, prev_hash, hash) =
          (SELECT -s.seq, s.time, s.caller_id, s.caller_role, s.transport, s.function, s.args_digest, s.outcome, s.error_kind, s.duration_ms, s.prev_hash, s.hash
           FROM swap s WHERE s.pos <> audit.pos)
        WHERE pos IN (SELECT pos FROM swap);
        DROP TABLE swap;
        """);

    protected override Task TruncateAsync(int count) =>
        ExecuteAsync($"DELETE FROM audit WHERE pos IN (SELECT pos FROM audit ORDER BY pos DESC LIMIT {count})");

    /// <summary>Runs SQL on the file as someone with write access would, first dropping the append-only triggers.</summary>
    private async Task ExecuteAsync(string sql, bool dropGuards = true)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = (dropGuards ? "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;\n" : string.Empty) + sql;
        await command.ExecuteNonQueryAsync();
    }
}
