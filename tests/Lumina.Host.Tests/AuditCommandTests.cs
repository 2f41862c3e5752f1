using Lumina.Abstractions;
using Lumina.Core.Audit;
using Lumina.Storage.Sqlite;
using Lumina.Testing;
using Microsoft.Data.Sqlite;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>
/// Calls made to the real host over stdio land in the audit ledger; <c>lumina audit verify|tail</c>, run as real
/// processes with the server's configuration, read it back and catch tampering with the file.
/// </summary>
public sealed class AuditCommandTests : IDisposable
{
    private readonly TempDirectory _data = new();

    private string LedgerPath => _data.Combine("audit.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    [Fact]
    public async Task StdioCalls_AreRecorded_AndTheLedgerVerifies()
    {
        await CallOverStdioAsync();

        var (verifyExit, verifyOut, _) = await Audit("verify");
        var (tailExit, tailOut, _) = await Audit("tail", "-n", "5");

        verifyExit.Should().Be(0);
        verifyOut.Should().StartWith("audit ledger intact: 3 records (head ");
        tailExit.Should().Be(0);
        var lines = tailOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(3);
        lines[0].Should().StartWith("#1 ").And.Contain("(user, stdio) time_now ok ");
        lines[1].Should().StartWith("#2 ").And.Contain("files_read error:");
        lines[2].Should().StartWith("#3 ").And.Contain("audit_recent denied:Forbidden");
        tailOut.Should().NotContain("/etc/passwd", "arguments are kept only as a digest");
    }

    [Fact]
    public async Task HttpCalls_AreRecordedWithTheHttpTransport()
    {
        await using (var host = await HttpHost.StartAsync($"--Lumina:DataDirectory={_data.Path}", "--Lumina:Auth:AnonymousRole=user"))
        {
            await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = host.McpEndpoint }));
            (await client.CallToolAsync("time_now", new Dictionary<string, object?>())).IsError.Should().NotBe(true);

            // Stopped as a service manager stops it: the records still queued are written before the host exits.
            (await host.StopAsync()).Should().Be(0);
        }

        var (exitCode, stdout, _) = await Audit("tail");

        exitCode.Should().Be(0);
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle().Which.Should().StartWith("#1 ").And.Contain(", http) time_now ok ");
    }

    [Fact]
    public async Task Tail_ShowsOnlyTheLastRecords()
    {
        await CallOverStdioAsync();

        var (exitCode, stdout, _) = await Audit("tail", "-n", "1");

        exitCode.Should().Be(0);
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle().Which.Should().StartWith("#3 ");
    }

    [Fact]
    public async Task EditedRecord_FailsVerifyNamingIt()
    {
        await CallOverStdioAsync();

        await TamperAsync("UPDATE audit SET outcome = 'Ok' WHERE seq = 2");
        var (exitCode, stdout, stderr) = await Audit("verify");

        exitCode.Should().Be(1);
        stderr.Should().Contain("broken at record 2 (altered)");
        stdout.Should().NotContain("intact");
    }

    [Fact]
    public async Task DeletedRecord_FailsVerifyNamingIt()
    {
        await CallOverStdioAsync();

        await TamperAsync("DELETE FROM audit WHERE seq = 1");
        var (exitCode, _, stderr) = await Audit("verify");

        exitCode.Should().Be(1);
        stderr.Should().Contain("broken at record 1 (removed)");
    }

    [Fact]
    public async Task AdministratorOverStdio_ReadsRecentRecordsAsAResource()
    {
        await using var client = await StartAsync("--Lumina:Stdio:Role=admin");
        await client.CallToolAsync("time_now", new Dictionary<string, object?>());

        var resource = await client.ReadResourceAsync("lumina://audit/recent");

        var text = ((TextResourceContents)resource.Contents.Single()).Text;
        text.Should().Contain("\"function\":\"time_now\"").And.Contain("\"callerRole\":\"admin\"").And.Contain("\"outcome\":\"ok\"");
    }

    [Fact]
    public async Task RedisStore_CommandReadsTheSharedLedger()
    {
        await using var redis = await RedisServer.StartAsync();
        string[] store = ["--Lumina:Memory:Store=redis", $"--ConnectionStrings:redis={redis.ConnectionString}"];
        await using (var client = await StartAsync(store))
        {
            await client.CallToolAsync("time_now", new Dictionary<string, object?>());
        }

        var (exitCode, stdout, _) = await Audit(["verify", .. store]);

        exitCode.Should().Be(0);
        stdout.Should().StartWith("audit ledger intact: 1 records");
        File.Exists(LedgerPath).Should().BeFalse("with Redis the ledger lives in Redis");
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("tail", "-n", "0")]
    [InlineData("verify", "extra")]
    public async Task BadArguments_ExitWithUsage(params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await Audit(arguments);

        exitCode.Should().Be(2);
        stderr.Should().Contain("usage: lumina audit");
        stdout.Should().BeEmpty();
    }

    [Theory]
    [InlineData("seq", "NULL", "broken at record 1 (unreadable): record 1 cannot be read: a row has NULL in seq, where a whole number belongs.")]
    [InlineData("time", "NULL", "record 2 cannot be read: the row of record 2 has NULL in time, where a whole number belongs.")]
    [InlineData("caller_id", "NULL", "record 2 cannot be read: the row of record 2 has NULL in caller_id, where text belongs.")]
    [InlineData("caller_role", "NULL", "record 2 cannot be read: the row of record 2 has NULL in caller_role, where text belongs.")]
    [InlineData("transport", "NULL", "record 2 cannot be read: the row of record 2 has NULL in transport, where text belongs.")]
    [InlineData("function", "NULL", "record 2 cannot be read: the row of record 2 has NULL in function, where text belongs.")]
    [InlineData("args_digest", "NULL", "record 2 cannot be read: the row of record 2 has NULL in args_digest, where text belongs.")]
    [InlineData("outcome", "NULL", "record 2 cannot be read: the row of record 2 has NULL in outcome, where text belongs.")]
    [InlineData("duration_ms", "NULL", "record 2 cannot be read: the row of record 2 has NULL in duration_ms, where a whole number belongs.")]
    [InlineData("prev_hash", "NULL", "record 2 cannot be read: the row of record 2 has NULL in prev_hash, where text belongs.")]
    [InlineData("hash", "NULL", "record 2 cannot be read: the row of record 2 has NULL in hash, where text belongs.")]
    [InlineData("seq", "'two'", "record 1 cannot be read: a row has text in seq, where a whole number belongs.")]
    [InlineData("time", "2.5", "record 2 cannot be read: the row of record 2 has a real number in time, where a whole number belongs.")]
    [InlineData("time", "9223372036854775807", "record 2 cannot be read: the row of record 2 has a time out of range (9223372036854775807) in time.")]
    [InlineData("caller_id", "42", "record 2 cannot be read: the row of record 2 has a whole number in caller_id, where text belongs.")]
    [InlineData("hash", "x'00ff'", "record 2 cannot be read: the row of record 2 has a blob in hash, where text belongs.")]
    public async Task DamagedRow_VerifyAndTail_ExitCleanlyNamingTheRecordAndTheColumn(string column, string value, string expected)
    {
        await WriteLedgerAsync(3);

        // The table rebuilt without its constraints and types, as someone with write access to the file could.
        await TamperAsync($"""
            CREATE TABLE audit_loose(pos INTEGER PRIMARY KEY AUTOINCREMENT, seq, time, caller_id, caller_role, transport, function, args_digest, outcome, error_kind, duration_ms, prev_hash, hash, context);
            INSERT INTO audit_loose SELECT * FROM audit; DROP TABLE audit; ALTER TABLE audit_loose RENAME TO audit;
            UPDATE audit SET {column} = {value} WHERE pos = {(column == "seq" ? 1 : 2)};
            """);
        var (verifyExit, verifyOut, verifyError) = await Audit("verify");
        var (tailExit, _, tailError) = await Audit("tail");

        verifyExit.Should().Be(1, verifyError);
        verifyError.Should().Contain(expected).And.NotContain("Unhandled").And.NotContain("   at ");
        verifyOut.Should().NotContain("intact");
        tailExit.Should().Be(1, tailError);
        tailError.Should().Contain("lumina: the audit ledger cannot be read: ").And.Contain($" in {column}").And.NotContain("Unhandled");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("empty-header")]
    public async Task DamagedFile_VerifyExitsCleanly(string damage)
    {
        await WriteLedgerAsync(300);
        var bytes = await File.ReadAllBytesAsync(LedgerPath);
        bytes.Length.Should().BeGreaterThan(16 * 1024, "the ledger spans several pages");
        await File.WriteAllBytesAsync(LedgerPath, damage switch
        {
            "garbage" => [.. Enumerable.Range(0, bytes.Length).Select(i => (byte)(i * 7919 % 251))],
            "truncated" => bytes[..(bytes.Length / 2)],
            _ => [.. new byte[100], .. bytes[100..]],
        });

        var (exitCode, stdout, stderr) = await Audit("verify");

        exitCode.Should().Be(1, stderr);
        stderr.Should().Contain("lumina: ").And.NotContain("Unhandled").And.NotContain("   at ");
        stderr.Should().MatchRegex("cannot be read|broken at record");
        stdout.Should().NotContain("intact");
    }

    [Theory]
    [InlineData("DROP TABLE audit", "broken at record 1 (truncated)")]
    [InlineData("DROP TABLE audit_head", "broken at record 1 (altered): record 1 is beyond the stored head")]
    public async Task MissingTable_VerifyExitsCleanly(string sql, string expected)
    {
        await WriteLedgerAsync(3);
        await TamperAsync(sql);

        var (exitCode, _, stderr) = await Audit("verify");

        exitCode.Should().Be(1, stderr);
        stderr.Should().Contain(expected).And.NotContain("Unhandled");
    }

    [Fact]
    public async Task RedisRestartedWithoutPersistence_VerifySaysTheLedgerWentBack_AndTheNextHostNotesIt()
    {
        await using var redis = await RedisServer.StartAsync();
        string[] store = ["--Lumina:Memory:Store=redis", $"--ConnectionStrings:redis={redis.ConnectionString}"];
        await using (var client = await StartAsync(store))
        {
            (await client.CallToolAsync("time_now", new Dictionary<string, object?>())).IsError.Should().NotBe(true);
            (await client.CallToolAsync("time_now", new Dictionary<string, object?>())).IsError.Should().NotBe(true);
        }

        (await Audit(["verify", .. store])).ExitCode.Should().Be(0);

        // The server restarts with neither RDB nor AOF: every key is gone, the ledger included.
        await redis.StopAsync();
        await redis.StartAgainAsync();
        var (lostExit, lostOut, lostError) = await Audit(["verify", .. store]);

        await using (var host = await HttpHost.StartAsync([$"--Lumina:DataDirectory={_data.Path}", .. store]))
        {
            var logged = await host.WaitForLogLineAsync(line => line.Contains("may be missing records", StringComparison.Ordinal));
            logged.Should().Contain("the ledger went back from 2 to 0 records");
            (await host.StopAsync()).Should().Be(0);
        }

        var (notedExit, notedOut, _) = await Audit(["verify", .. store]);
        var (_, tail, _) = await Audit(["tail", .. store]);

        lostExit.Should().Be(1, "the chain in Redis verifies, but it is shorter than the head mark outside it");
        lostError.Should().Contain("lumina: audit ledger went back: the ledger went back from 2 to 0 records");
        lostOut.Should().NotContain("intact");
        notedExit.Should().Be(3);
        notedOut.Should().Contain("but records may be missing").And.Contain("record 1 notes: went back from 2 to 0");
        tail.Should().StartWith("#1 ").And.Contain("(system, inprocess) lumina_audit_went_back error:went back from 2 to 0");
    }

    [Fact]
    public async Task LedgerFileReplacedByAnOlderCopy_VerifySaysItWentBack()
    {
        await using (var client = await StartAsync())
        {
            (await client.CallToolAsync("time_now", new Dictionary<string, object?>())).IsError.Should().NotBe(true);
        }

        var older = _data.Combine("audit.db.older");
        File.Copy(LedgerPath, older);
        await using (var client = await StartAsync())
        {
            (await client.CallToolAsync("time_now", new Dictionary<string, object?>())).IsError.Should().NotBe(true);
            (await client.CallToolAsync("time_now", new Dictionary<string, object?>())).IsError.Should().NotBe(true);
        }

        File.Copy(older, LedgerPath, overwrite: true);
        var (exitCode, stdout, stderr) = await Audit("verify");

        exitCode.Should().Be(1, stdout);
        stderr.Should().Contain("the ledger went back from 3 to 1 records");
    }

    [Fact]
    public async Task HostKilledUnderLoad_VerifySaysRecordsMayBeMissing_AndTheNextHostNotesIt()
    {
        int pid;
        await using (var host = await HttpHost.StartAsync($"--Lumina:DataDirectory={_data.Path}", "--Lumina:Auth:AnonymousRole=user", "--Lumina:Policy:RateLimit:PermitsPerMinute=0"))
        {
            pid = host.Process.Id;
            using var http = new HttpClient();
            var answered = 0;
            using var stop = new CancellationTokenSource();
            async Task LoadAsync()
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var response = await http.GetAsync(new Uri(host.BaseAddress, "/v1/providers"), stop.Token);
                        if (response.IsSuccessStatusCode && Interlocked.Increment(ref answered) == 200)
                        {
                            // SIGKILL while the other callers keep calling: whatever is queued then is lost.
                            host.Process.Kill();
                            await stop.CancelAsync();
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                    {
                        return;
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(LoadAsync)));
            await host.Process.WaitForExitAsync();
            answered.Should().BeGreaterThanOrEqualTo(200);
        }

        var (killedExit, killedOut, _) = await Audit("verify");
        await using (var host = await HttpHost.StartAsync($"--Lumina:DataDirectory={_data.Path}"))
        {
            (await host.WaitForLogLineAsync(line => line.Contains("may be missing records", StringComparison.Ordinal))).Should().Contain($"host process {pid} stopped without writing its queue");
            (await host.StopAsync()).Should().Be(0);
        }

        var (notedExit, notedOut, _) = await Audit("verify");

        killedExit.Should().Be(3, killedOut);
        killedOut.Should().Contain("but records may be missing").And.Contain($"host process {pid} stopped without writing its queue (killed or crashed): records of calls it answered after record ");
        notedExit.Should().Be(3, notedOut);
        notedOut.Should().MatchRegex($@"record \d+ notes: host process {pid} stopped uncleanly; records after \d+ may be missing");
        notedOut.Should().NotContain("(killed or crashed)", "the next host noted it and cleared the marker");
    }

    /// <summary>A ledger of <paramref name="count"/> records written by the embedded store itself, closed again.</summary>
    private async Task WriteLedgerAsync(int count)
    {
        using (var ledger = new SqliteAuditLedger(LedgerPath))
        {
            await ledger.AppendBatchAsync([.. Enumerable.Range(1, count).Select(i => new AuditEntry(
                DateTimeOffset.UnixEpoch.AddDays(i), "alice", "user", LuminaTransport.Stdio, "time_now", new string('a', 64), AuditOutcome.Ok, null, i))]);
        }

        SqliteConnection.ClearAllPools();
    }

    /// <summary>Three calls as the default stdio user: one that works, one that fails, one that is refused.</summary>
    private async Task CallOverStdioAsync()
    {
        await using var client = await StartAsync();
        (await client.CallToolAsync("time_now", new Dictionary<string, object?>())).IsError.Should().NotBe(true);
        (await client.CallToolAsync("files_read", new Dictionary<string, object?> { ["path"] = "/etc/passwd" })).IsError.Should().BeTrue();
        // The refusal's text does not reach the client yet (resource reads report a generic error); the ledger shows it.
        var refused = async () => await client.ReadResourceAsync("lumina://audit/recent");
        await refused.Should().ThrowAsync<McpException>();
    }

    private Task<McpClient> StartAsync(params string[] arguments) =>
        McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = "lumina",
                Command = "dotnet",
                Arguments = LuminaProcess.IsolatedArguments(_data.Path, arguments),
            }),
            new McpClientOptions { ProtocolVersion = "2025-11-25" });

    private Task<(int ExitCode, string Stdout, string Stderr)> Audit(params string[] arguments) =>
        LuminaProcess.RunAsync(["audit", .. arguments, $"--Lumina:DataDirectory={_data.Path}"]);

    /// <summary>Changes the ledger's file directly, as someone with write access to it could (the triggers dropped first).</summary>
    private async Task TamperAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={LedgerPath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; " + sql;
        await command.ExecuteNonQueryAsync();
    }
}
