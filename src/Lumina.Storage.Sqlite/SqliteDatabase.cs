using System.Globalization;
using Lumina.Abstractions;
using Lumina.Core;
using Microsoft.Data.Sqlite;

namespace Lumina.Storage.Sqlite;

/// <summary>
/// One store's SQLite file: made with its folder and schema when the store opens (WAL, so concurrent readers and a
/// writer get along), connections opened with the store's own pragma, and SQLite's failures to open turned into errors
/// that name the store and the file.
/// </summary>
internal sealed class SqliteDatabase
{
    private readonly string? _connectionPragma;

    /// <param name="path">The file.</param>
    /// <param name="store">What the file holds, as error messages name it ("memory", "audit ledger", …).</param>
    /// <param name="schema">Statements run on open; each must be safe to run again (<c>IF NOT EXISTS</c>).</param>
    /// <param name="busyTimeout">How long a statement waits for another connection's lock before it fails (whole seconds, at least one).</param>
    /// <param name="connectionPragma">A statement run on every connection opened (a <c>PRAGMA synchronous</c>, say), or none.</param>
    public SqliteDatabase(string path, string store, string schema, TimeSpan? busyTimeout = null, string? connectionPragma = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        Store = store;
        _connectionPragma = connectionPragma;
        var seconds = busyTimeout is { } timeout ? Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)) : 30;
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = seconds }.ToString();
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            using var connection = Open();
            Execute(connection, "PRAGMA journal_mode=WAL");

            // One transaction: each statement on its own would be a commit, and a synced one, of a new file's schema.
            using var transaction = connection.BeginTransaction();
            using (var command = Command(connection, schema))
            {
                command.Transaction = transaction;
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new LuminaStartupException($"The {store} store cannot be opened at {Path}: {ex.Message}", ex);
        }
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>What the file holds, as error messages name it.</summary>
    public string Store { get; }

    /// <summary>The connection string of the file, pooled.</summary>
    public string ConnectionString { get; }

    /// <summary>A connection to the file, open, with the store's pragma run.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            connection.Open();
            if (_connectionPragma is not null)
            {
                Execute(connection, _connectionPragma);
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>A connection to the file, open, with the store's pragma run; a file that cannot be opened is a <see cref="LuminaException"/> naming the store.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (_connectionPragma is not null)
            {
                await using var pragma = Command(connection, _connectionPragma);
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new LuminaException($"The {Store} store (SQLite) cannot be opened: {ex.Message}", ex);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Whether the file opens for writing and answers a query now: the readiness check asks it.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var readWrite = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(readWrite);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ScalarAsync(connection, "SELECT count(*) FROM sqlite_master", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Brings a file made by an earlier version up to the current schema; another process adding the column first is fine.</summary>
    public static void AddColumnIfMissing(SqliteConnection connection, string table, string column, string type)
    {
        using var check = Command(connection, $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name=$c", ("$c", column));
        if (Convert.ToInt64(check.ExecuteScalar(), CultureInfo.InvariantCulture) != 0)
        {
            return;
        }

        try
        {
            Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {type}");
        }
        catch (SqliteException ex) when (ex.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
        {
            // Another process (the CLI, a second host) added it first.
        }
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, sql);
        command.ExecuteNonQuery();
    }

    public static async Task<int> ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<long> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }
}
