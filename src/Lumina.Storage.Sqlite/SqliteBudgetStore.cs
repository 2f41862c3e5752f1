using Microsoft.Data.Sqlite;

using Lumina.Core.Budgets;

namespace Lumina.Storage.Sqlite;

/// <summary>Budget spending in a SQLite file: one immediate transaction per reservation, so concurrent reservations queue.</summary>
public sealed class SqliteBudgetStore : IBudgetStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS spending(budget TEXT NOT NULL, caller TEXT NOT NULL, period INTEGER NOT NULL, micros INTEGER NOT NULL, PRIMARY KEY(budget, caller, period));
        """;

    // WAL with synchronous=NORMAL: a commit no longer waits for the disk (power loss may forget the last moments of
    // spending, never corrupt the file), which makes a reservation cheap enough to sit on every call.
    private readonly SqliteDatabase _database;

    public SqliteBudgetStore(string path)
    {
        _database = new SqliteDatabase(path, "budget", Schema, connectionPragma: "PRAGMA synchronous=NORMAL");
    }

    /// <summary>The file, for the readiness check.</summary>
    internal SqliteDatabase Database => _database;

    public async Task<(BudgetKey Key, long SpentMicros)?> TryReserveAsync(IReadOnlyList<BudgetKey> keys, long micros, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return null;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // BEGIN IMMEDIATE: the write lock is taken before the read, so a second reservation waits for this one.
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var key in keys)
        {
            var spent = await SpentAsync(connection, key, cancellationToken).ConfigureAwait(false);
            if (spent >= key.LimitMicros || spent + micros > key.LimitMicros)
            {
                return (key, spent);
            }
        }

        await AddAsync(connection, keys, micros, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return null;
    }

    public async Task AddAsync(IReadOnlyList<BudgetKey> keys, long micros, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0 || micros == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await AddAsync(connection, keys, micros, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> GetSpentAsync(BudgetKey key, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await SpentAsync(connection, key, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> SpentAsync(SqliteConnection connection, BudgetKey key, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT micros FROM spending WHERE budget=$b AND caller=$c AND period=$p";
        command.Parameters.AddWithValue("$b", key.Budget);
        command.Parameters.AddWithValue("$c", key.CallerId);
        command.Parameters.AddWithValue("$p", key.PeriodStart.ToUnixTimeSeconds());
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long spent ? spent : 0;
    }

    private static async Task AddAsync(SqliteConnection connection, IReadOnlyList<BudgetKey> keys, long micros, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO spending(budget, caller, period, micros) VALUES($b, $c, $p, $m) ON CONFLICT(budget, caller, period) DO UPDATE SET micros = micros + $m";
            command.Parameters.AddWithValue("$b", key.Budget);
            command.Parameters.AddWithValue("$c", key.CallerId);
            command.Parameters.AddWithValue("$p", key.PeriodStart.ToUnixTimeSeconds());
            command.Parameters.AddWithValue("$m", micros);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _database.OpenAsync(cancellationToken);
}
