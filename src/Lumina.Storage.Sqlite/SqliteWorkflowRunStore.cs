using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using static Lumina.Storage.Sqlite.SqliteDatabase;

using Lumina.Core.Workflows;

namespace Lumina.Storage.Sqlite;

/// <summary>
/// Workflow runs in an embedded SQLite file (<c>workflows.db</c> in the data directory), so a run outlives the process
/// that started it and every process on the machine that opens the file sees the same runs. Each run row keeps the run
/// as JSON with its version, owner, creation time and expiry beside it (no expiry while it runs): a replacement is one
/// conditional <c>UPDATE</c> on the version. Checkpoints and the ledger of finished steps are rows of their own, in the
/// order they were added; a finished run past its expiry is treated as gone, with them, and purged when runs are
/// created or listed.
/// </summary>
public sealed class SqliteWorkflowRunStore : IWorkflowRunStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS runs(id TEXT PRIMARY KEY, owner TEXT NOT NULL, created INTEGER NOT NULL, expires_at INTEGER, version INTEGER NOT NULL, data TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS runs_created ON runs(created);
        CREATE INDEX IF NOT EXISTS runs_owner ON runs(owner, created);
        CREATE INDEX IF NOT EXISTS runs_expiry ON runs(expires_at);
        CREATE TABLE IF NOT EXISTS checkpoints(run TEXT NOT NULL, id TEXT NOT NULL, parent TEXT, seq INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY(run, id));
        CREATE INDEX IF NOT EXISTS checkpoints_order ON checkpoints(run, seq);
        CREATE TABLE IF NOT EXISTS steps(run TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY(run, key));
        CREATE INDEX IF NOT EXISTS steps_order ON steps(run, seq);
        """;

    // Expired runs go with their checkpoints and steps; the run rows last, since the other two find them through it.
    private const string PurgeSql = """
        DELETE FROM checkpoints WHERE run IN (SELECT id FROM runs WHERE expires_at <= $now);
        DELETE FROM steps WHERE run IN (SELECT id FROM runs WHERE expires_at <= $now);
        DELETE FROM runs WHERE expires_at <= $now;
        """;

    // A run's checkpoints and steps are there unless the run exists and has expired (the purge may not have come yet).
    private const string RunNotExpired = "NOT EXISTS (SELECT 1 FROM runs WHERE id=$run AND expires_at <= $now)";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    /// <param name="path">The file (<c>workflows.db</c>).</param>
    /// <param name="time">The clock that decides when a finished run has expired.</param>
    public SqliteWorkflowRunStore(string path, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        // synchronous=FULL on every connection: the interface promises runs and checkpoints are durable once written.
        _database = new SqliteDatabase(path, "workflow run", Schema, connectionPragma: "PRAGMA synchronous=FULL");
    }

    /// <summary>The file, for the readiness check.</summary>
    internal SqliteDatabase Database => _database;

    public async Task<WorkflowRunRecord> CreateAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(run.Id);
        var created = run with { Version = 1 };
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // BEGIN IMMEDIATE: the purge and the insert are one step, so an expired run of the same id gives way to this one.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await PurgeAsync(connection, cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(
                connection,
                "INSERT INTO runs(id, owner, created, expires_at, version, data) VALUES($id, $owner, $created, $e, 1, $d)",
                cancellationToken,
                ("$id", created.Id),
                ("$owner", created.OwnerId),
                ("$created", created.CreatedAt.ToUnixTimeMilliseconds()),
                ("$e", created.ExpiresAt?.ToUnixTimeMilliseconds()),
                ("$d", Serialize(created))).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            // 19 = SQLITE_CONSTRAINT: the primary key says the id is taken.
            throw new InvalidOperationException($"A workflow run with id '{run.Id}' exists.", ex);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return created;
    }

    public async Task<WorkflowRunRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            "SELECT data, version FROM runs WHERE id=$id AND (expires_at IS NULL OR expires_at > $now)",
            ("$id", id),
            ("$now", Now()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? Deserialize(reader.GetString(0)) with { Version = reader.GetInt64(1) }
            : null;
    }

    public async Task<WorkflowRunRecord?> TryReplaceAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(run.Id);
        var replaced = run with { Version = run.Version + 1 };
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var changed = await ExecuteAsync(
            connection,
            """
            UPDATE runs SET owner=$owner, created=$created, expires_at=$e, version=version+1, data=$d
            WHERE id=$id AND version=$v AND (expires_at IS NULL OR expires_at > $now)
            """,
            cancellationToken,
            ("$owner", replaced.OwnerId),
            ("$created", replaced.CreatedAt.ToUnixTimeMilliseconds()),
            ("$e", replaced.ExpiresAt?.ToUnixTimeMilliseconds()),
            ("$d", Serialize(replaced)),
            ("$id", run.Id),
            ("$v", run.Version),
            ("$now", Now())).ConfigureAwait(false);
        return changed == 1 ? replaced : null;
    }

    public async Task<IReadOnlyList<WorkflowRunRecord>> ListAsync(string? ownerId = null, bool unfinishedOnly = false, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (limit == 0)
        {
            return [];
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var transaction = connection.BeginTransaction(deferred: false))
        {
            await PurgeAsync(connection, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // The expiry condition stays: another process on the file may have written a run since the purge.
        await using var command = Command(
            connection,
            """
            SELECT data, version FROM runs
            WHERE (expires_at IS NULL OR expires_at > $now)
              AND ($owner IS NULL OR owner=$owner)
              AND ($unfinished = 0 OR expires_at IS NULL)
            ORDER BY created DESC, rowid DESC
            LIMIT $limit
            """,
            ("$now", Now()),
            ("$owner", ownerId),
            ("$unfinished", unfinishedOnly ? 1 : 0),
            ("$limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var runs = new List<WorkflowRunRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(Deserialize(reader.GetString(0)) with { Version = reader.GetInt64(1) });
        }

        return runs;
    }

    public async Task AddCheckpointAsync(string runId, string checkpointId, string? parentId, string json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(checkpointId);
        ArgumentNullException.ThrowIfNull(json);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // BEGIN IMMEDIATE: the next sequence number is read and taken in one step; an expired run of this id goes first.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await PurgeAsync(connection, cancellationToken).ConfigureAwait(false);
        // A checkpoint kept again under the same id takes the new state and keeps its place in the order.
        await ExecuteAsync(
            connection,
            """
            INSERT INTO checkpoints(run, id, parent, seq, data)
            VALUES($run, $id, $parent, (SELECT COALESCE(MAX(seq), 0) + 1 FROM checkpoints WHERE run=$run), $d)
            ON CONFLICT(run, id) DO UPDATE SET parent=excluded.parent, data=excluded.data
            """,
            cancellationToken,
            ("$run", runId),
            ("$id", checkpointId),
            ("$parent", parentId),
            ("$d", json)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> GetCheckpointAsync(string runId, string checkpointId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(checkpointId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            $"SELECT data FROM checkpoints WHERE run=$run AND id=$id AND {RunNotExpired}",
            ("$run", runId),
            ("$id", checkpointId),
            ("$now", Now()));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task<IReadOnlyList<string>> ListCheckpointsAsync(string runId, string? parentId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            $"SELECT id FROM checkpoints WHERE run=$run AND ($parent IS NULL OR parent=$parent) AND {RunNotExpired} ORDER BY seq",
            ("$run", runId),
            ("$parent", parentId),
            ("$now", Now()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    public async Task<string> RecordStepAsync(string runId, string key, string resultJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(resultJson);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // BEGIN IMMEDIATE: the insert (or not) and the read back are one step, so every caller reads the first record.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await PurgeAsync(connection, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            connection,
            """
            INSERT INTO steps(run, key, seq, data)
            VALUES($run, $key, (SELECT COALESCE(MAX(seq), 0) + 1 FROM steps WHERE run=$run), $d)
            ON CONFLICT(run, key) DO NOTHING
            """,
            cancellationToken,
            ("$run", runId),
            ("$key", key),
            ("$d", resultJson)).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT data FROM steps WHERE run=$run AND key=$key", ("$run", runId), ("$key", key));
        var recorded = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return recorded;
    }

    public async Task<string?> GetStepAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            $"SELECT data FROM steps WHERE run=$run AND key=$key AND {RunNotExpired}",
            ("$run", runId),
            ("$key", key),
            ("$now", Now()));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task<IReadOnlyList<KeyValuePair<string, string>>> ListStepsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            $"SELECT key, data FROM steps WHERE run=$run AND {RunNotExpired} ORDER BY seq",
            ("$run", runId),
            ("$now", Now()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var steps = new List<KeyValuePair<string, string>>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            steps.Add(new(reader.GetString(0), reader.GetString(1)));
        }

        return steps;
    }

    private static string Serialize(WorkflowRunRecord run) => JsonSerializer.Serialize(run, s_json);

    private static WorkflowRunRecord Deserialize(string json) =>
        JsonSerializer.Deserialize<WorkflowRunRecord>(json, s_json) ?? throw new JsonException("A stored workflow run is empty.");

    private Task<int> PurgeAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, PurgeSql, cancellationToken, ("$now", Now()));

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _database.OpenAsync(cancellationToken);
}
