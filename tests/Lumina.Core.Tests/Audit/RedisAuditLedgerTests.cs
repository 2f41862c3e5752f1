using System.Text.Json.Nodes;
using Lumina.Core.Audit;
using Lumina.Storage.Redis;
using Lumina.Testing;
using Lumina.Testing.Contracts;
using StackExchange.Redis;

namespace Lumina.Core.Tests.Audit;

public sealed class RedisAuditLedgerTests : AuditLedgerContractTests
{
    private const string Records = "lumina:{audit}:records";
    private readonly List<ConnectionMultiplexer> _connections = [];
    private RedisServer _server = null!;

    private IDatabase Db => _connections[0].GetDatabase();

    public override async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    /// <summary>Each ledger has a connection of its own, as each host would.</summary>
    protected override async Task<IAuditLedger> OpenAsync()
    {
        var configuration = ConfigurationOptions.Parse(_server.ConnectionString);
        configuration.AbortOnConnectFail = false;
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        _connections.Add(connection);
        return new RedisAuditLedger(connection, "lumina", Time);
    }

    [Theory]
    [InlineData("{not json", "record 2 cannot be read: the entry at index 1 of the list is not a record ('{not json'")]
    [InlineData("null", "record 2 cannot be read: the entry at index 1 of the list is empty or null.")]
    [InlineData("{}", "record 2 cannot be read: the entry at index 1 of the list (record 0) has no callerId.")]
    [InlineData("drop:hash", "record 2 cannot be read: the entry at index 1 of the list (record 2) has no hash.")]
    [InlineData("drop:previousHash", "record 2 cannot be read: the entry at index 1 of the list (record 2) has no previousHash.")]
    [InlineData("drop:function", "record 2 cannot be read: the entry at index 1 of the list (record 2) has no function.")]
    public async Task UnreadableEntry_IsReportedAsUnreadable_NamingTheRecordAndWhatIsWrong(string entry, string reason)
    {
        await AppendAsync(3);
        if (entry.StartsWith("drop:", StringComparison.Ordinal))
        {
            var record = JsonNode.Parse((string)(await Db.ListGetByIndexAsync(Records, 1))!)!.AsObject();
            record.Remove(entry["drop:".Length..]).Should().BeTrue();
            entry = record.ToJsonString();
        }

        await Db.ListSetByIndexAsync(Records, 1, entry);

        var verification = await Ledger.VerifyAsync();
        verification.Should().Match<AuditVerification>(v => v.FirstBadSequence == 2 && v.Fault == AuditFault.Unreadable && v.Count == 1);
        verification.Reason.Should().StartWith(reason);
        var tail = async () => await Ledger.ReadRecentAsync(3);
        (await tail.Should().ThrowAsync<AuditUnreadableException>()).Which.Reason.Should().Contain("the entry 2 from the end of the list");
    }

    [Theory]
    [InlineData("seq", "many", "the ledger's head cannot be read: its seq is 'many', not a whole number.")]
    [InlineData("seq", null, "the ledger's head cannot be read: its seq is missing.")]
    [InlineData("hash", null, "the ledger's head cannot be read: its hash is missing.")]
    public async Task UnreadableHead_IsReportedAsUnreadable(string field, string? value, string reason)
    {
        await AppendAsync(2);

        if (value is null)
        {
            await Db.HashDeleteAsync("lumina:{audit}:head", field);
        }
        else
        {
            await Db.HashSetAsync("lumina:{audit}:head", field, value);
        }

        (await Ledger.VerifyAsync()).Should().Match<AuditVerification>(v => v.Fault == AuditFault.Unreadable && v.Reason == reason);
    }

    [Fact]
    public async Task RecordPushedBeyondTheHead_IsReported()
    {
        await AppendAsync(2);

        await Db.ListRightPushAsync(Records, await Db.ListGetByIndexAsync(Records, 1));

        (await Ledger.VerifyAsync()).Should().Match<AuditVerification>(v => v.FirstBadSequence == 3 && v.Fault == AuditFault.Altered);
    }

    [Fact]
    public async Task BatchWhoseAnswerWasLost_IsNotWrittenTwice_WhenRetried()
    {
        var options = ConfigurationOptions.Parse(_server.ConnectionString);
        options.AbortOnConnectFail = false;
        options.AsyncTimeout = 300;
        var impatient = await ConnectionMultiplexer.ConnectAsync(options);
        _connections.Add(impatient);
        var ledger = new RedisAuditLedger(impatient, "lumina", Time);
        IReadOnlyList<AuditEntry> batch = [Entry(2), Entry(3)];
        await ledger.AppendAsync(Entry(1));

        // The server holds writes back past the client's timeout, then runs the script anyway: the answer is lost.
        var adminOptions = ConfigurationOptions.Parse(_server.ConnectionString);
        adminOptions.AllowAdmin = true;
        var admin = await ConnectionMultiplexer.ConnectAsync(adminOptions);
        _connections.Add(admin);
        // Long enough that a loaded machine still sends the batch inside the pause (its timeout is 300 ms).
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "3000", "WRITE");
        await FluentActions.Awaiting(() => ledger.AppendBatchAsync(batch)).Should().ThrowAsync<RedisTimeoutException>();
        await Eventually.WaitAsync(async () => await Db.ListLengthAsync(Records) >= 3);

        (await Db.ListLengthAsync(Records)).Should().Be(3, "the unanswered script ran once the pause ended");
        var records = await ledger.AppendBatchAsync(batch);

        records.Select(r => r.Sequence).Should().Equal(2, 3);
        (await Ledger.VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == 3);

        // Other entries, even equal ones, are new records.
        (await ledger.AppendBatchAsync([Entry(2), Entry(3)])).Select(r => r.Sequence).Should().Equal(4, 5);
    }

    protected override async Task EditAsync(long sequence, string functionName)
    {
        var record = JsonNode.Parse((string)(await Db.ListGetByIndexAsync(Records, sequence - 1))!)!;
        record["function"] = functionName;
        await Db.ListSetByIndexAsync(Records, sequence - 1, record.ToJsonString());
    }

    protected override async Task DeleteAsync(long sequence)
    {
        var value = await Db.ListGetByIndexAsync(Records, sequence - 1);
        (await Db.ListRemoveAsync(Records, value, 1)).Should().Be(1);
    }

    protected override async Task SwapAsync(long first, long second)
    {
        var a = await Db.ListGetByIndexAsync(Records, first - 1);
        var b = await Db.ListGetByIndexAsync(Records, second - 1);
        await Db.ListSetByIndexAsync(Records, first - 1, b);
        await Db.ListSetByIndexAsync(Records, second - 1, a);
    }

    protected override async Task TruncateAsync(int count) => await Db.ListRightPopAsync(Records, count);
}
