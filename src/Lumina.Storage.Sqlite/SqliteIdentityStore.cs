using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using static Lumina.Storage.Sqlite.SqliteDatabase;

using Lumina.Core.Auth;

namespace Lumina.Storage.Sqlite;

/// <summary>Users and API keys in an embedded SQLite file (<c>auth.db</c> in the data directory).</summary>
public sealed class SqliteIdentityStore : ILuminaIdentityStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS users(username TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at INTEGER NOT NULL, id TEXT);
        CREATE TABLE IF NOT EXISTS api_keys(id TEXT PRIMARY KEY, hash BLOB NOT NULL UNIQUE, owner TEXT NOT NULL, role TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER, revoked INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS sign_ins(key TEXT PRIMARY KEY, attempts INTEGER NOT NULL, first_at INTEGER NOT NULL, locked_until INTEGER NOT NULL, expires_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS sign_ins_expiry ON sign_ins(expires_at);
        """;

    private const string KeyColumns = "id, owner, role, created_at, expires_at, revoked, toolset";

    private readonly SqliteDatabase _database;
    private readonly LuminaAuthOptions _options;
    private readonly TimeProvider _time;

    public SqliteIdentityStore(string path, LuminaAuthOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _database = new SqliteDatabase(path, "identity", Schema);

        // A store made before users had ids: its users keep their names as ids (NULL reads as the name).
        using var connection = _database.Open();
        SqliteDatabase.AddColumnIfMissing(connection, "users", "id", "TEXT");

        // Tool sets came later: a store without them has no bindings.
        SqliteDatabase.AddColumnIfMissing(connection, "users", "toolset", "TEXT");
        SqliteDatabase.AddColumnIfMissing(connection, "api_keys", "toolset", "TEXT");
    }

    /// <summary>The file, for the readiness check.</summary>
    internal SqliteDatabase Database => _database;

    public async Task<LuminaUser> AddUserAsync(string username, string password, string role, CancellationToken cancellationToken = default)
    {
        var name = IdentityRules.NewUsername(username);
        var canonicalRole = LuminaRoles.Normalize(role);
        IdentityRules.Password(password, name, _options);
        var user = new LuminaUser(name, canonicalRole, Now(), IdentityRules.NewUserId(name));
        var hash = PasswordHasher.Hash(password, _options.PasswordIterations);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, "INSERT INTO users(username, role, password_hash, created_at, id) VALUES($u, $r, $h, $c, $id)", cancellationToken,
                ("$u", name), ("$r", canonicalRole), ("$h", hash), ("$c", user.CreatedAt.ToUnixTimeMilliseconds()), ("$id", user.Id)).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            // 19 = SQLITE_CONSTRAINT: the primary key says the name is taken.
            throw IdentityRules.DuplicateUser(name);
        }

        return user;
    }

    public async Task<LuminaUser?> GetUserAsync(string username, CancellationToken cancellationToken = default)
    {
        var name = IdentityRules.Username(username);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await ReadUsersAsync(connection, "WHERE username=$u", cancellationToken, ("$u", name)).ConfigureAwait(false)).FirstOrDefault()?.User;
    }

    public async Task<IReadOnlyList<LuminaUser>> ListUsersAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return [.. (await ReadUsersAsync(connection, "ORDER BY username", cancellationToken).ConfigureAwait(false)).Select(u => u.User)];
    }

    public async Task RemoveUserAsync(string username, CancellationToken cancellationToken = default)
    {
        var name = IdentityRules.Username(username);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await ExecuteAsync(connection, "DELETE FROM users WHERE username=$u", cancellationToken, ("$u", name)).ConfigureAwait(false) == 0)
        {
            throw IdentityRules.UnknownUser(name);
        }

        // A removed user's keys stop working with the user (kept, revoked, so the record of them stays).
        await ExecuteAsync(connection, "UPDATE api_keys SET revoked=1 WHERE owner=$u", cancellationToken, ("$u", name)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<LuminaUser> SetRoleAsync(string username, string role, CancellationToken cancellationToken = default)
    {
        var name = IdentityRules.Username(username);
        var canonicalRole = LuminaRoles.Normalize(role);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (await ExecuteAsync(connection, "UPDATE users SET role=$r WHERE username=$u", cancellationToken, ("$u", name), ("$r", canonicalRole)).ConfigureAwait(false) == 0)
        {
            throw IdentityRules.UnknownUser(name);
        }

        return (await ReadUsersAsync(connection, "WHERE username=$u", cancellationToken, ("$u", name)).ConfigureAwait(false)).Single().User;
    }

    public async Task<LuminaUser?> VerifyPasswordAsync(string username, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        var name = username?.Trim().ToLowerInvariant() ?? string.Empty;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var found = (await ReadUsersAsync(connection, "WHERE username=$u", cancellationToken, ("$u", name)).ConfigureAwait(false)).FirstOrDefault();
        if (found is null)
        {
            PasswordHasher.Burn(password, _options.PasswordIterations);
            return null;
        }

        if (!PasswordHasher.Verify(password, found.Hash))
        {
            return null;
        }

        if (PasswordHasher.Iterations(found.Hash) < _options.PasswordIterations)
        {
            // The configured count was raised since this hash was made: upgrade it now that the password is known.
            await ExecuteAsync(connection, "UPDATE users SET password_hash=$h WHERE username=$u AND password_hash=$old", cancellationToken,
                ("$u", name), ("$h", PasswordHasher.Hash(password, _options.PasswordIterations)), ("$old", found.Hash)).ConfigureAwait(false);
        }

        return found.User;
    }

    public async Task<CreatedApiKey> CreateKeyAsync(string owner, string? role = null, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        var name = IdentityRules.Username(owner);
        var now = Now();
        var expiry = IdentityRules.Expiry(expiresAt, now);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var user = (await ReadUsersAsync(connection, "WHERE username=$u", cancellationToken, ("$u", name)).ConfigureAwait(false)).FirstOrDefault()?.User
            ?? throw IdentityRules.UnknownUser(name);
        var key = new LuminaApiKey(ApiKeys.NewId(), user.Username, role is null ? user.Role : LuminaRoles.Normalize(role), now, expiry, Revoked: false);
        var secret = ApiKeys.NewSecret();
        await ExecuteAsync(connection, "INSERT INTO api_keys(id, hash, owner, role, created_at, expires_at, revoked) VALUES($id, $h, $o, $r, $c, $e, 0)", cancellationToken,
            ("$id", key.Id), ("$h", ApiKeys.Hash(secret)), ("$o", key.Owner), ("$r", key.Role), ("$c", now.ToUnixTimeMilliseconds()),
            ("$e", expiry is { } e ? e.ToUnixTimeMilliseconds() : DBNull.Value)).ConfigureAwait(false);
        return new CreatedApiKey(key, secret);
    }

    public async Task<LuminaApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken = default)
    {
        var keyId = IdentityRules.KeyId(id);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await ReadKeysAsync(connection, "WHERE id=$id", cancellationToken, ("$id", keyId)).ConfigureAwait(false)).FirstOrDefault()?.Key;
    }

    public async Task<IReadOnlyList<LuminaApiKey>> ListKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return [.. (await ReadKeysAsync(connection, "ORDER BY created_at, id", cancellationToken).ConfigureAwait(false)).Select(k => k.Key)];
    }

    public async Task RevokeKeyAsync(string id, CancellationToken cancellationToken = default)
    {
        var keyId = IdentityRules.KeyId(id);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (await ExecuteAsync(connection, "UPDATE api_keys SET revoked=1 WHERE id=$id", cancellationToken, ("$id", keyId)).ConfigureAwait(false) == 0)
        {
            throw IdentityRules.UnknownKey(keyId);
        }
    }

    public async Task<LuminaUser> SetUserToolSetAsync(string username, string? toolSet, CancellationToken cancellationToken = default)
    {
        var name = IdentityRules.Username(username);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (await ExecuteAsync(connection, "UPDATE users SET toolset=$t WHERE username=$u", cancellationToken, ("$u", name), ("$t", IdentityRules.ToolSet(toolSet) ?? (object)DBNull.Value)).ConfigureAwait(false) == 0)
        {
            throw IdentityRules.UnknownUser(name);
        }

        return (await ReadUsersAsync(connection, "WHERE username=$u", cancellationToken, ("$u", name)).ConfigureAwait(false)).Single().User;
    }

    public async Task<LuminaApiKey> SetKeyToolSetAsync(string id, string? toolSet, CancellationToken cancellationToken = default)
    {
        var keyId = IdentityRules.KeyId(id);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (await ExecuteAsync(connection, "UPDATE api_keys SET toolset=$t WHERE id=$id", cancellationToken, ("$id", keyId), ("$t", IdentityRules.ToolSet(toolSet) ?? (object)DBNull.Value)).ConfigureAwait(false) == 0)
        {
            throw IdentityRules.UnknownKey(keyId);
        }

        return (await ReadKeysAsync(connection, "WHERE id=$id", cancellationToken, ("$id", keyId)).ConfigureAwait(false)).Single().Key;
    }

    public async Task<LuminaApiKey> VerifyKeyAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (!ApiKeys.LooksValid(secret))
        {
            return IdentityRules.Usable(null, Now());
        }

        var hash = ApiKeys.Hash(secret);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var found = (await ReadKeysAsync(connection, "WHERE hash=$h", cancellationToken, ("$h", hash)).ConfigureAwait(false)).FirstOrDefault();
        // The lookup is by hash, so timing says nothing about the key; the comparison confirms it in constant time.
        var key = found is not null && CryptographicOperations.FixedTimeEquals(found.Hash, hash) ? found.Key : null;
        return IdentityRules.Usable(key, Now());
    }

    public async Task<SignInAttempt> ReserveSignInAsync(string key, SignInLimit limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(limit);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // BEGIN IMMEDIATE: the write lock is taken before the read, so concurrent reservations (from any process) queue.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(connection, "DELETE FROM sign_ins WHERE expires_at <= $now", cancellationToken, ("$now", now)).ConfigureAwait(false);
        var (attempt, state) = IdentityRules.Reserve(await ReadSignInAsync(connection, key, cancellationToken).ConfigureAwait(false), limit, now);
        if (attempt.Granted)
        {
            await WriteSignInAsync(connection, key, state, limit, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return attempt;
    }

    public async Task ReleaseSignInAsync(string key, SignInLimit limit, bool forget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(limit);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (forget)
        {
            await ExecuteAsync(connection, "DELETE FROM sign_ins WHERE key=$k", cancellationToken, ("$k", key)).ConfigureAwait(false);
        }
        else if (await ReadSignInAsync(connection, key, cancellationToken).ConfigureAwait(false) is { } state)
        {
            await WriteSignInAsync(connection, key, IdentityRules.Release(state, limit), limit, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<SignInState?> ReadSignInAsync(SqliteConnection connection, string key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT attempts, first_at, locked_until FROM sign_ins WHERE key=$k", [("$k", key)]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new SignInState(reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2))
            : null;
    }

    private static Task<int> WriteSignInAsync(SqliteConnection connection, string key, SignInState state, SignInLimit limit, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, "INSERT OR REPLACE INTO sign_ins(key, attempts, first_at, locked_until, expires_at) VALUES($k, $a, $f, $l, $e)", cancellationToken,
            ("$k", key), ("$a", state.Attempts), ("$f", state.FirstAt), ("$l", state.LockedUntil), ("$e", state.ExpiresAt(limit)));

    private DateTimeOffset Now()
    {
        // Stored to the millisecond: what a caller gets back equals what a later read returns.
        var now = _time.GetUtcNow();
        return DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _database.OpenAsync(cancellationToken);

    private static async Task<List<StoredUser>> ReadUsersAsync(SqliteConnection connection, string tail, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, "SELECT username, role, created_at, password_hash, id, toolset FROM users " + tail, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var users = new List<StoredUser>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var name = reader.GetString(0);
            var id = reader.IsDBNull(4) ? name : reader.GetString(4);
            var user = new LuminaUser(name, reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), id)
            {
                ToolSet = reader.IsDBNull(5) ? null : reader.GetString(5),
            };
            users.Add(new StoredUser(user, reader.GetString(3)));
        }

        return users;
    }

    private static async Task<List<StoredKey>> ReadKeysAsync(SqliteConnection connection, string tail, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, $"SELECT {KeyColumns}, hash FROM api_keys " + tail, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<StoredKey>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new StoredKey(
                new LuminaApiKey(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                    reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                    reader.GetInt64(5) != 0)
                {
                    ToolSet = reader.IsDBNull(6) ? null : reader.GetString(6),
                },
                (byte[])reader.GetValue(7)));
        }

        return keys;
    }

    private sealed record StoredUser(LuminaUser User, string Hash);

    private sealed record StoredKey(LuminaApiKey Key, byte[] Hash);
}
