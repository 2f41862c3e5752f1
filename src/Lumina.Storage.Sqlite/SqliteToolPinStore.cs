using Microsoft.Data.Sqlite;
using static Lumina.Storage.Sqlite.SqliteDatabase;

using Lumina.Core.Federation;

namespace Lumina.Storage.Sqlite;

/// <summary>
/// The pins of upstream tools in an embedded SQLite file (<c>pins.db</c> in the data directory): one row per server
/// and tool. The first pin of a tool wins, also between processes on the same file (<c>INSERT … ON CONFLICT DO
/// NOTHING</c>); an approval replaces it.
/// </summary>
public sealed class SqliteToolPinStore : IToolPinStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS pins(server TEXT NOT NULL, tool TEXT NOT NULL, hash TEXT NOT NULL, descriptor TEXT NOT NULL, pinned_at INTEGER NOT NULL, pinned_by TEXT, PRIMARY KEY(server, tool));
        """;

    private readonly SqliteDatabase _database;

    public SqliteToolPinStore(string path)
    {
        _database = new SqliteDatabase(path, "pin", Schema);
    }

    /// <summary>The file, for the readiness check.</summary>
    internal SqliteDatabase Database => _database;

    public async Task<ToolPin?> GetAsync(string server, string tool, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(tool);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadOneAsync(connection, server, tool, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ToolPin>> ListAsync(string server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT server, tool, hash, descriptor, pinned_at, pinned_by FROM pins WHERE server=$s ORDER BY tool", ("$s", server));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var pins = new List<ToolPin>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            pins.Add(Read(reader));
        }

        // SQLite orders by its own collation; the contract is ordinal.
        return [.. pins.OrderBy(p => p.Tool, StringComparer.Ordinal)];
    }

    public async Task<ToolPin> PinIfAbsentAsync(ToolPin pin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pin);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "INSERT INTO pins(server, tool, hash, descriptor, pinned_at, pinned_by) VALUES($s, $t, $h, $d, $a, $b) ON CONFLICT(server, tool) DO NOTHING", cancellationToken, Values(pin)).ConfigureAwait(false);
        return await ReadOneAsync(connection, pin.Server, pin.Tool, cancellationToken).ConfigureAwait(false) ?? pin;
    }

    public async Task SetAsync(ToolPin pin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pin);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "INSERT INTO pins(server, tool, hash, descriptor, pinned_at, pinned_by) VALUES($s, $t, $h, $d, $a, $b) ON CONFLICT(server, tool) DO UPDATE SET hash=excluded.hash, descriptor=excluded.descriptor, pinned_at=excluded.pinned_at, pinned_by=excluded.pinned_by", cancellationToken, Values(pin)).ConfigureAwait(false);
    }

    public async Task<bool> RemoveAsync(string server, string tool, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, "DELETE FROM pins WHERE server=$s AND tool=$t", cancellationToken, ("$s", server), ("$t", tool)).ConfigureAwait(false) == 1;
    }

    private static async Task<ToolPin?> ReadOneAsync(SqliteConnection connection, string server, string tool, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT server, tool, hash, descriptor, pinned_at, pinned_by FROM pins WHERE server=$s AND tool=$t", ("$s", server), ("$t", tool));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static ToolPin Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        reader.IsDBNull(5) ? null : reader.GetString(5));

    private static (string, object?)[] Values(ToolPin pin) =>
        [("$s", pin.Server), ("$t", pin.Tool), ("$h", pin.Hash), ("$d", pin.Descriptor), ("$a", pin.PinnedAt.ToUnixTimeMilliseconds()), ("$b", pin.PinnedBy)];
}
