using System.Runtime.CompilerServices;
using Lumina.Abstractions;
using Lumina.Core;
using Microsoft.Data.Sqlite;

using Lumina.Core.Audit;

namespace Lumina.Storage.Sqlite;

/// <summary>
/// The ledger in an embedded SQLite file (<c>audit.db</c> in the data directory). Records keep the order they were
/// written in (<c>pos</c>); the chain head lives in a one-row table written in the same transaction as each record.
/// </summary>
/// <remarks>
/// Triggers refuse <c>UPDATE</c> and <c>DELETE</c> on records, so no code path — Lumina's or a careless script's — can
/// change the ledger by accident. Someone with write access to the file can drop them; the hash chain is what detects
/// that. Appends take SQLite's write lock before reading the head (<c>BEGIN IMMEDIATE</c>), so several processes on one
/// file still build one chain. Appends made while a commit is under way are written together in the next one (group
/// commit); an append cancelled while it waits is withdrawn, unless a commit under way had already taken it.
/// </remarks>
public sealed partial class SqliteAuditLedger : IAuditLedger, IMarkedAuditLedger, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS audit(
          pos INTEGER PRIMARY KEY AUTOINCREMENT, seq INTEGER NOT NULL UNIQUE, time INTEGER NOT NULL,
          caller_id TEXT NOT NULL, caller_role TEXT NOT NULL, transport TEXT NOT NULL, function TEXT NOT NULL,
          args_digest TEXT NOT NULL, outcome TEXT NOT NULL, error_kind TEXT, duration_ms INTEGER NOT NULL,
          prev_hash TEXT NOT NULL, hash TEXT NOT NULL, context TEXT);
        CREATE TABLE IF NOT EXISTS audit_head(id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
        CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit ledger is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit ledger is append-only'); END;
        """;

    private const string Columns = "seq, time, caller_id, caller_role, transport, function, args_digest, outcome, error_kind, duration_ms, prev_hash, hash, context";

    private readonly SqliteDatabase _database;
    private readonly SemaphoreSlim _writer = new(1, 1);

    // The writer's own connection with its statements prepared once, used only under _writer: a commit then costs the
    // statements themselves, not an open, a pragma and a parse of each statement per call (measured on the call path).
    private WriteSession? _session;
    private readonly Lock _queueLock = new();
    private List<(AuditEntry Entry, TaskCompletionSource<AuditRecord> Done)> _queue = [];

    /// <summary>Opens (or creates) the ledger file at <paramref name="path"/>.</summary>
    /// <param name="path">The ledger file.</param>
    /// <param name="durability">
    /// Whether each commit is synced to the disk before an append returns (<see cref="AuditDurability.Buffered"/> syncs
    /// like <see cref="AuditDurability.Full"/>: the writer that batches the records waits for it).
    /// </param>
    public SqliteAuditLedger(string path, AuditDurability durability = AuditDurability.Full)
        : this(path, durability, TimeSpan.FromSeconds(30))
    {
    }

    /// <param name="path">The ledger file.</param>
    /// <param name="durability">Whether each commit is synced to the disk before an append returns.</param>
    /// <param name="busyTimeout">How long a statement waits for another connection's lock before it fails (whole seconds, at least one).</param>
    internal SqliteAuditLedger(string path, AuditDurability durability, TimeSpan busyTimeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Set on every connection, not left to the library's compile-time default, so the guarantee is the one
        // configured whatever SQLite build is loaded.
        var synchronous = durability switch
        {
            AuditDurability.Full or AuditDurability.Buffered => "PRAGMA synchronous=FULL",
            AuditDurability.Normal => "PRAGMA synchronous=NORMAL",
            _ => throw new ArgumentOutOfRangeException(nameof(durability), durability, "Unknown audit durability."),
        };
        Durability = durability;
        _database = new SqliteDatabase(path, "audit ledger", Schema, busyTimeout, synchronous);
        Path = _database.Path;

        // A file written before records carried a context has no column for it: its records read back without one (and
        // hash as they always did), and new records keep theirs.
        try
        {
            using var connection = _database.Open();
            SqliteDatabase.AddColumnIfMissing(connection, "audit", "context", "TEXT");
        }
        catch (SqliteException ex)
        {
            throw new LuminaStartupException($"The audit ledger store cannot be opened at {Path}: {ex.Message}", ex);
        }
    }

    /// <summary>The ledger file.</summary>
    public string Path { get; }

    /// <summary>Whether each commit is synced to the disk before an append returns.</summary>
    public AuditDurability Durability { get; }

    /// <summary>The head mark advanced after each commit, kept outside the file (see <see cref="AuditHeadMark"/>).</summary>
    AuditHeadMark? IMarkedAuditLedger.Mark { get; set; }

    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);

        // Group commit: appends that arrive while a commit is under way wait and go in the next one together, so a
        // busy host pays one synced write per batch, not per call. SQLite's lock orders writers of other processes.
        var pending = new TaskCompletionSource<AuditRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        var item = (entry, pending);
        lock (_queueLock)
        {
            _queue.Add(item);
        }

        try
        {
            await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Withdrawn unless a commit under way already took it (then it is recorded, as the caller may find later).
            lock (_queueLock)
            {
                _queue.Remove(item);
            }

            throw;
        }

        try
        {
            if (!pending.Task.IsCompleted)
            {
                List<(AuditEntry Entry, TaskCompletionSource<AuditRecord> Done)> batch;
                lock (_queueLock)
                {
                    (batch, _queue) = (_queue, []);
                }

                try
                {
                    var records = await WriteAsync([.. batch.Select(b => b.Entry)]).ConfigureAwait(false);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        batch[i].Done.TrySetResult(records[i]);
                    }
                }
                catch (Exception ex)
                {
                    foreach (var (_, done) in batch)
                    {
                        done.TrySetException(ex);
                    }
                }
            }
        }
        finally
        {
            _writer.Release();
        }

        return await pending.Task.ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="entries"/> in one transaction of their own, after whatever a commit under way writes.</summary>
    public async Task<IReadOnlyList<AuditRecord>> AppendBatchAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return [];
        }

        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await WriteAsync(entries).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Chains and writes <paramref name="entries"/> in one transaction, after the stored head.</summary>
    /// <remarks>
    /// No cancellation: once a batch starts, other callers' records are in it. Runs only under <c>_writer</c>. The head
    /// is read inside the write transaction (<c>BEGIN IMMEDIATE</c>), never cached, so other processes' appends to the
    /// same file are chained after. A failed batch closes the session: the next one starts on a fresh connection.
    /// </remarks>
    private async Task<List<AuditRecord>> WriteAsync(IReadOnlyList<AuditEntry> entries)
    {
        var session = _session ??= await WriteSession.OpenAsync(_database).ConfigureAwait(false);
        try
        {
            var records = await session.WriteAsync(entries).ConfigureAwait(false);
            ((IMarkedAuditLedger)this).Mark?.Advance(new AuditHead(records[^1].Sequence, records[^1].Hash));
            return records;
        }
        catch
        {
            _session = null;
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadRecentAsync(int count, CancellationToken cancellationToken = default)
    {
        var records = await QueryAsync($"SELECT {Columns} FROM audit ORDER BY seq DESC LIMIT $n", cancellationToken, ("$n", Math.Max(0, count))).ConfigureAwait(false);
        records.Reverse();
        return records;
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadRangeAsync(long fromSequence, int count, CancellationToken cancellationToken = default) =>
        await QueryAsync($"SELECT {Columns} FROM audit WHERE seq >= $from ORDER BY seq LIMIT $n", cancellationToken, ("$from", fromSequence), ("$n", Math.Max(0, count))).ConfigureAwait(false);

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // One read transaction: the head and the records are one snapshot, whatever other writers do meanwhile.
        await using var transaction = connection.BeginTransaction(deferred: true);
        AuditHead? head;
        try
        {
            head = await ReadHeadAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (AuditUnreadableException ex)
        {
            return new AuditVerification(0, null, 1, AuditFault.Unreadable, $"the ledger's head cannot be read: {ex.Reason}.");
        }

        return await AuditChain.VerifyAsync(ReadAllAsync(connection, cancellationToken), head, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _session?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _session = null;
        _writer.Dispose();
    }

    private static async IAsyncEnumerable<AuditRecord> ReadAllAsync(SqliteConnection connection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM audit ORDER BY pos";
        var reader = await Damaged(() => command.ExecuteReaderAsync(cancellationToken)).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await Damaged(() => reader.ReadAsync(cancellationToken)).ConfigureAwait(false))
            {
                yield return Read(reader);
            }
        }
    }

    /// <summary>Runs a read, reporting the file's own failures (damaged, not a database, no table) as unreadable.</summary>
    private static async Task<T> Damaged<T>(Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw new AuditUnreadableException($"the ledger file cannot be read ({ex.Message.TrimEnd('.')})", ex);
        }
    }

    private async Task<List<AuditRecord>> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var reader = await Damaged(() => command.ExecuteReaderAsync(cancellationToken)).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var records = new List<AuditRecord>();
            while (await Damaged(() => reader.ReadAsync(cancellationToken)).ConfigureAwait(false))
            {
                records.Add(Read(reader));
            }

            return records;
        }
    }

    private static async Task<AuditHead?> ReadHeadAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash FROM audit_head WHERE id = 1";
        var reader = await Damaged(() => command.ExecuteReaderAsync(cancellationToken)).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await Damaged(() => reader.ReadAsync(cancellationToken)).ConfigureAwait(false))
            {
                return null;
            }

            var row = new Row(reader, "the head");
            return new AuditHead(row.Integer(0), row.Text(1));
        }
    }

    /// <summary>
    /// Reads a row as stored. A value that no longer parses (an edited enum name) becomes one that cannot hash to the
    /// stored hash, so verification reports the record as altered instead of failing; a NULL where the schema forbids
    /// it, or a value of the wrong type, makes the row unreadable (<see cref="AuditUnreadableException"/>, naming it).
    /// </summary>
    private static AuditRecord Read(SqliteDataReader reader)
    {
        var row = new Row(reader, null);
        var sequence = row.Integer(0);
        row = new Row(reader, $"the row of record {sequence}");
        var time = row.Integer(1);
        if (time < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || time > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            throw new AuditUnreadableException($"the row of record {sequence} has a time out of range ({time}) in time");
        }

        return new(
            sequence,
            DateTimeOffset.FromUnixTimeMilliseconds(time),
            row.Text(2),
            row.Text(3),
            Enum.TryParse<LuminaTransport>(row.Text(4), out var transport) ? transport : (LuminaTransport)(-1),
            row.Text(5),
            row.Text(6),
            Enum.TryParse<AuditOutcome>(row.Text(7), out var outcome) ? outcome : (AuditOutcome)(-1),
            row.Text(8, nullable: true),
            row.Integer(9),
            row.Text(10),
            row.Text(11),
            row.Text(12, nullable: true));
    }

    /// <summary>One row's values, checked against the schema's types as they are read.</summary>
    /// <param name="reader">The reader on the row.</param>
    /// <param name="what">The row, as an error names it (a row whose sequence number is unknown: null).</param>
    private readonly struct Row(SqliteDataReader reader, string? what)
    {
        public long Integer(int column) => reader.GetValue(column) switch
        {
            long value => value,
            var other => throw Wrong(column, other, "a whole number"),
        };

        public string Text(int column) => Text(column, nullable: false)!;

        public string? Text(int column, bool nullable) => reader.GetValue(column) switch
        {
            string value => value,
            DBNull when nullable => null,
            var other => throw Wrong(column, other, "text"),
        };

        private AuditUnreadableException Wrong(int column, object value, string expected)
        {
            var found = value switch
            {
                DBNull => "NULL",
                string => "text",
                long => "a whole number",
                double => "a real number",
                byte[] => "a blob",
                _ => value.GetType().Name,
            };
            return new AuditUnreadableException($"{what ?? "a row"} has {found} in {reader.GetName(column)}, where {expected} belongs");
        }
    }

    /// <summary>The file, for the readiness check.</summary>
    internal SqliteDatabase Database => _database;

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _database.OpenAsync(cancellationToken);
}
