using Microsoft.Data.Sqlite;
using static Lumina.Storage.Sqlite.SqliteDatabase;

using Lumina.Core.Tasks;

namespace Lumina.Storage.Sqlite;

/// <summary>
/// Tasks in an embedded SQLite file (<c>tasks.db</c> in the data directory), so every process on the machine that opens
/// the file sees the same tasks. Each row keeps the task as JSON with its version and expiry beside it: a replacement is
/// one conditional <c>UPDATE</c> on the version, and expired rows are treated as gone and purged when tasks are created.
/// </summary>
public sealed class SqliteTaskStore : ILuminaTaskStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS tasks(id TEXT PRIMARY KEY, data TEXT NOT NULL, version INTEGER NOT NULL, expires_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS tasks_expiry ON tasks(expires_at);
        """;

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteTaskStore(string path, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        // synchronous=FULL on every connection, not left to the SQLite build's default: the interface promises a task is
        // durable once CreateAsync returns.
        _database = new SqliteDatabase(path, "task", Schema, connectionPragma: "PRAGMA synchronous=FULL");
    }

    /// <summary>The file, for the readiness check.</summary>
    internal SqliteDatabase Database => _database;

    public async Task<LuminaTaskRecord> CreateAsync(LuminaTaskRecord task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentException.ThrowIfNullOrEmpty(task.Id);
        var created = task with { Version = 1 };
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // BEGIN IMMEDIATE: the purge and the insert are one step, so an expired task of the same id gives way to this one.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(connection, "DELETE FROM tasks WHERE expires_at <= $now", cancellationToken, ("$now", Now())).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, "INSERT INTO tasks(id, data, version, expires_at) VALUES($id, $d, 1, $e)", cancellationToken,
                ("$id", created.Id), ("$d", LuminaTaskJson.Serialize(created)), ("$e", created.ExpiresAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            // 19 = SQLITE_CONSTRAINT: the primary key says the id is taken.
            throw new InvalidOperationException($"A task with id '{task.Id}' exists.", ex);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return created;
    }

    public async Task<LuminaTaskRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT data, version FROM tasks WHERE id=$id AND expires_at > $now", ("$id", id), ("$now", Now()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? LuminaTaskJson.Deserialize(reader.GetString(0)) with { Version = reader.GetInt64(1) }
            : null;
    }

    public async Task<LuminaTaskRecord?> TryReplaceAsync(LuminaTaskRecord task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var replaced = task with { Version = task.Version + 1 };
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var changed = await ExecuteAsync(
            connection,
            "UPDATE tasks SET data=$d, version=version+1, expires_at=$e WHERE id=$id AND version=$v AND expires_at > $now",
            cancellationToken,
            ("$d", LuminaTaskJson.Serialize(replaced)),
            ("$e", replaced.ExpiresAt.ToUnixTimeMilliseconds()),
            ("$id", task.Id),
            ("$v", task.Version),
            ("$now", Now())).ConfigureAwait(false);
        return changed == 1 ? replaced : null;
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _database.OpenAsync(cancellationToken);
}
