using Microsoft.Data.Sqlite;
using static Lumina.Storage.Sqlite.SqliteDatabase;

using Lumina.Core.Federation;

namespace Lumina.Storage.Sqlite;

/// <summary>
/// The pins of upstream tools in an embedded SQLite file (<c>pins.db</c> in the data directory), so every process on the
/// machine that opens the file trusts the same descriptors: one row per server and tool, its time in unix milliseconds.
/// The first pin of a tool wins, also between processes racing (<c>INSERT … ON CONFLICT DO NOTHING</c> and the read back
/// in one write transaction); an approval replaces it.
/// </summary>
public sealed class SqliteToolPinStore : IToolPinStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS pins(server TEXT NOT NULL, tool TEXT NOT NULL, hash TEXT NOT NULL, descriptor TEXT NOT NULL, pinned_at INTEGER NOT NULL, pinned_by TEXT NULL, PRIMARY KEY(server, tool));
        """;

    private const string Columns = "server, tool, hash, descriptor, pinned_at, pinned_by";

    private const string Insert = $"INSERT INTO pins({Columns}) VALUES($s, $t, $h, $d, $a, $b) ON CONFLICT(server, tool)";

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
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadOneAsync(connection, server, tool, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ToolPin>> ListAsync(string server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {Columns} FROM pins WHERE server=$s", ("$s", server));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var pins = new List<ToolPin>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            pins.Add(Read(reader));
        }

        // Sorted here, not by ORDER BY: SQLite compares UTF-8 bytes, which puts characters beyond U+FFFF after U+E000–U+FFFF,
        // where the ordinal order of .NET strings (and of the other stores) puts them before.
        pins.Sort((a, b) => string.CompareOrdinal(a.Tool, b.Tool));
        return pins;
    }

    public async Task<ToolPin> PinIfAbsentAsync(ToolPin pin, CancellationToken cancellationToken = default)
    {
        Check(pin);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // BEGIN IMMEDIATE: the insert and the read back are one step, so the pin returned is the one stored even when
        // another process removes or approves it at the same moment.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(connection, $"{Insert} DO NOTHING", cancellationToken, Values(pin)).ConfigureAwait(false);
        var stored = await ReadOneAsync(connection, pin.Server, pin.Tool, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The pin of '{pin.Tool}' on '{pin.Server}' was not stored.");
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return stored;
    }

    public async Task SetAsync(ToolPin pin, CancellationToken cancellationToken = default)
    {
        Check(pin);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            connection,
            $"{Insert} DO UPDATE SET hash=excluded.hash, descriptor=excluded.descriptor, pinned_at=excluded.pinned_at, pinned_by=excluded.pinned_by",
            cancellationToken,
            Values(pin)).ConfigureAwait(false);
    }

    public async Task<bool> RemoveAsync(string server, string tool, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(tool);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, "DELETE FROM pins WHERE server=$s AND tool=$t", cancellationToken, ("$s", server), ("$t", tool)).ConfigureAwait(false) == 1;
    }

    private static async Task<ToolPin?> ReadOneAsync(SqliteConnection connection, string server, string tool, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"SELECT {Columns} FROM pins WHERE server=$s AND tool=$t", ("$s", server), ("$t", tool));
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

    private static void Check(ToolPin pin)
    {
        ArgumentNullException.ThrowIfNull(pin);
        ArgumentNullException.ThrowIfNull(pin.Server);
        ArgumentNullException.ThrowIfNull(pin.Tool);
        ArgumentNullException.ThrowIfNull(pin.Hash);
        ArgumentNullException.ThrowIfNull(pin.Descriptor);
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _database.OpenAsync(cancellationToken);
}
