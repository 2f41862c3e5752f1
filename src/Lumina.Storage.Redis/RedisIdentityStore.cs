using System.Security.Cryptography;
using System.Text.Json;
using StackExchange.Redis;

using Lumina.Core.Auth;

namespace Lumina.Storage.Redis;

/// <summary>
/// Users and API keys in Redis, shared by every host on the same server. Three hashes under one hash tag (one cluster
/// slot, so a script can touch them together): users by name, keys by id, and key ids by the SHA-256 of the key.
/// </summary>
public sealed class RedisIdentityStore : ILuminaIdentityStore
{
    private const string RemoveUserScript = """
        if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
        local all = redis.call('HGETALL', KEYS[2])
        for i = 1, #all, 2 do
          local k = cjson.decode(all[i + 1])
          if k['owner'] == ARGV[1] and not k['revoked'] then
            k['revoked'] = true
            redis.call('HSET', KEYS[2], all[i], cjson.encode(k))
          end
        end
        return 1
        """;

    private const string SetFieldScript = """
        local v = redis.call('HGET', KEYS[1], ARGV[1])
        if not v then return false end
        local d = cjson.decode(v)
        if ARGV[4] ~= '' and d[ARGV[2]] ~= ARGV[4] then return v end
        if ARGV[3] == 'true' then d[ARGV[2]] = true else d[ARGV[2]] = ARGV[3] end
        v = cjson.encode(d)
        redis.call('HSET', KEYS[1], ARGV[1], v)
        return v
        """;

    private const string CreateKeyScript = """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
        redis.call('HSET', KEYS[3], ARGV[4], ARGV[2])
        return 1
        """;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private readonly IConnectionMultiplexer _redis;
    private readonly LuminaAuthOptions _options;
    private readonly TimeProvider _time;
    private readonly RedisKey _users;
    private readonly RedisKey _keys;
    private readonly RedisKey _keyHashes;
    private readonly string _signIns;

    public RedisIdentityStore(IConnectionMultiplexer redis, string keyPrefix, LuminaAuthOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _options = options;
        _time = time;
        _users = $"{keyPrefix}:{{auth}}:users";
        _keys = $"{keyPrefix}:{{auth}}:keys";
        _keyHashes = $"{keyPrefix}:{{auth}}:key-hashes";
        _signIns = $"{keyPrefix}:{{auth}}:sign-in:";
    }

    private IDatabase Db => _redis.GetDatabase();

    public async Task<LuminaUser> AddUserAsync(string username, string password, string role, CancellationToken cancellationToken = default)
    {
        var name = IdentityRules.NewUsername(username);
        var canonicalRole = LuminaRoles.Normalize(role);
        IdentityRules.Password(password, name, _options);
        var stored = new StoredUser(canonicalRole, PasswordHasher.Hash(password, _options.PasswordIterations), Now(), IdentityRules.NewUserId(name));
        if (!await Db.HashSetAsync(_users, name, JsonSerializer.Serialize(stored, s_json), When.NotExists).ConfigureAwait(false))
        {
            throw IdentityRules.DuplicateUser(name);
        }

        return stored.ToUser(name);
    }

    public async Task<LuminaUser?> GetUserAsync(string username, CancellationToken cancellationToken = default)
    {
        var name = IdentityRules.Username(username);
        return (await ReadUserAsync(name).ConfigureAwait(false))?.ToUser(name);
    }

    public async Task<IReadOnlyList<LuminaUser>> ListUsersAsync(CancellationToken cancellationToken = default)
    {
        var entries = await Db.HashGetAllAsync(_users).ConfigureAwait(false);
        return [.. entries.Select(e => Parse<StoredUser>(e.Value).ToUser(e.Name!)).OrderBy(u => u.Username, StringComparer.Ordinal)];
    }

    public async Task RemoveUserAsync(string username, CancellationToken cancellationToken = default)
    {
        var name = IdentityRules.Username(username);
        var removed = (long)await Db.ScriptEvaluateAsync(RemoveUserScript, [_users, _keys], [name]).ConfigureAwait(false);
        if (removed == 0)
        {
            throw IdentityRules.UnknownUser(name);
        }
    }

    public async Task<LuminaUser> SetRoleAsync(string username, string role, CancellationToken cancellationToken = default)
    {
        var name = IdentityRules.Username(username);
        var canonicalRole = LuminaRoles.Normalize(role);
        var updated = await SetFieldAsync(_users, name, "role", canonicalRole).ConfigureAwait(false);
        return updated.IsNull ? throw IdentityRules.UnknownUser(name) : Parse<StoredUser>(updated).ToUser(name);
    }

    public async Task<LuminaUser?> VerifyPasswordAsync(string username, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        var name = username?.Trim().ToLowerInvariant() ?? string.Empty;
        var stored = name.Length == 0 ? null : await ReadUserAsync(name).ConfigureAwait(false);
        if (stored is null)
        {
            PasswordHasher.Burn(password, _options.PasswordIterations);
            return null;
        }

        if (!PasswordHasher.Verify(password, stored.PasswordHash))
        {
            return null;
        }

        if (PasswordHasher.Iterations(stored.PasswordHash) < _options.PasswordIterations)
        {
            // Upgraded only if the hash is still the one verified (a concurrent password change wins).
            await SetFieldAsync(_users, name, "passwordHash", PasswordHasher.Hash(password, _options.PasswordIterations), expected: stored.PasswordHash).ConfigureAwait(false);
        }

        return stored.ToUser(name);
    }

    public async Task<CreatedApiKey> CreateKeyAsync(string owner, string? role = null, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        var name = IdentityRules.Username(owner);
        var now = Now();
        var expiry = IdentityRules.Expiry(expiresAt, now);
        var user = await ReadUserAsync(name).ConfigureAwait(false) ?? throw IdentityRules.UnknownUser(name);
        var secret = ApiKeys.NewSecret();
        var hash = ApiKeys.Hash(secret);
        var stored = new StoredKey(name, role is null ? user.Role : LuminaRoles.Normalize(role), now, expiry, Revoked: false, Convert.ToHexStringLower(hash));
        var id = ApiKeys.NewId();
        var created = (long)await Db.ScriptEvaluateAsync(CreateKeyScript, [_users, _keys, _keyHashes], [name, id, JsonSerializer.Serialize(stored, s_json), stored.Hash]).ConfigureAwait(false);
        return created == 0 ? throw IdentityRules.UnknownUser(name) : new CreatedApiKey(stored.ToKey(id), secret);
    }

    public async Task<LuminaApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken = default)
    {
        var keyId = IdentityRules.KeyId(id);
        var value = await Db.HashGetAsync(_keys, keyId).ConfigureAwait(false);
        return value.IsNull ? null : Parse<StoredKey>(value).ToKey(keyId);
    }

    public async Task<IReadOnlyList<LuminaApiKey>> ListKeysAsync(CancellationToken cancellationToken = default)
    {
        var entries = await Db.HashGetAllAsync(_keys).ConfigureAwait(false);
        return [.. entries.Select(e => Parse<StoredKey>(e.Value).ToKey(e.Name!)).OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal)];
    }

    public async Task RevokeKeyAsync(string id, CancellationToken cancellationToken = default)
    {
        var keyId = IdentityRules.KeyId(id);
        if ((await SetFieldAsync(_keys, keyId, "revoked", "true").ConfigureAwait(false)).IsNull)
        {
            throw IdentityRules.UnknownKey(keyId);
        }
    }

    public async Task<LuminaUser> SetUserToolSetAsync(string username, string? toolSet, CancellationToken cancellationToken = default)
    {
        var name = IdentityRules.Username(username);
        var updated = await SetFieldAsync(_users, name, "toolSet", IdentityRules.ToolSet(toolSet) ?? string.Empty).ConfigureAwait(false);
        return updated.IsNull ? throw IdentityRules.UnknownUser(name) : Parse<StoredUser>(updated).ToUser(name);
    }

    public async Task<LuminaApiKey> SetKeyToolSetAsync(string id, string? toolSet, CancellationToken cancellationToken = default)
    {
        var keyId = IdentityRules.KeyId(id);
        var updated = await SetFieldAsync(_keys, keyId, "toolSet", IdentityRules.ToolSet(toolSet) ?? string.Empty).ConfigureAwait(false);
        return updated.IsNull ? throw IdentityRules.UnknownKey(keyId) : Parse<StoredKey>(updated).ToKey(keyId);
    }

    public async Task<LuminaApiKey> VerifyKeyAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (!ApiKeys.LooksValid(secret))
        {
            return IdentityRules.Usable(null, Now());
        }

        var hash = ApiKeys.Hash(secret);
        var id = await Db.HashGetAsync(_keyHashes, Convert.ToHexStringLower(hash)).ConfigureAwait(false);
        LuminaApiKey? key = null;
        if (!id.IsNull && await Db.HashGetAsync(_keys, (string)id!).ConfigureAwait(false) is { IsNull: false } value)
        {
            var stored = Parse<StoredKey>(value);
            // The lookup is by hash, so timing says nothing about the key; the comparison confirms it in constant time.
            if (CryptographicOperations.FixedTimeEquals(Convert.FromHexString(stored.Hash), hash))
            {
                key = stored.ToKey((string)id!);
            }
        }

        return IdentityRules.Usable(key, Now());
    }

    public async Task<SignInAttempt> ReserveSignInAsync(string key, SignInLimit limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(limit);
        SignInAttempt? attempt = null;
        await UpdateSignInAsync(key, limit, current =>
        {
            var (granted, next) = IdentityRules.Reserve(current, limit, _time.GetUtcNow().ToUnixTimeMilliseconds());
            attempt = granted;
            return granted.Granted ? next : null;
        }, cancellationToken).ConfigureAwait(false);
        return attempt!;
    }

    public Task ReleaseSignInAsync(string key, SignInLimit limit, bool forget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(limit);
        return forget
            ? Db.KeyDeleteAsync(_signIns + key)
            : UpdateSignInAsync(key, limit, current => current is null ? null : IdentityRules.Release(current, limit), cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to a sign-in record atomically: the write happens only if the record is still
    /// the one read (a transaction conditioned on its value), else it is read again and the change re-applied.
    /// <paramref name="change"/> returns <see langword="null"/> to leave the record as it is.
    /// </summary>
    private async Task UpdateSignInAsync(string key, SignInLimit limit, Func<SignInState?, SignInState?> change, CancellationToken cancellationToken)
    {
        RedisKey redisKey = _signIns + key;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var value = await Db.StringGetAsync(redisKey).ConfigureAwait(false);
            var current = value.IsNull ? null : ParseSignIn(value!);
            if (change(current) is not { } next)
            {
                return;
            }

            var transaction = Db.CreateTransaction();
            transaction.AddCondition(value.IsNull ? Condition.KeyNotExists(redisKey) : Condition.StringEqual(redisKey, value));
            var ttl = TimeSpan.FromMilliseconds(Math.Max(1, next.ExpiresAt(limit) - _time.GetUtcNow().ToUnixTimeMilliseconds()));
            _ = transaction.StringSetAsync(redisKey, FormattableString.Invariant($"{next.Attempts}:{next.FirstAt}:{next.LockedUntil}"), ttl);
            if (await transaction.ExecuteAsync().ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private static SignInState ParseSignIn(string value)
    {
        var parts = value.Split(':');
        return parts.Length == 3
            && int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var attempts)
            && long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var first)
            && long.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var locked)
            ? new SignInState(attempts, first, locked)
            : throw new InvalidDataException("A sign-in record in Redis is malformed.");
    }

    private async Task<StoredUser?> ReadUserAsync(string name)
    {
        var value = await Db.HashGetAsync(_users, name).ConfigureAwait(false);
        return value.IsNull ? null : Parse<StoredUser>(value);
    }

    private async Task<RedisValue> SetFieldAsync(RedisKey hash, string field, string property, string value, string? expected = null)
    {
        var result = await Db.ScriptEvaluateAsync(SetFieldScript, [hash], [field, property, value, expected ?? string.Empty]).ConfigureAwait(false);
        return result.IsNull ? RedisValue.Null : (RedisValue)result;
    }

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());

    private static T Parse<T>(RedisValue value) =>
        JsonSerializer.Deserialize<T>((string)value!, s_json) ?? throw new InvalidDataException("An identity record in Redis is empty.");

    /// <param name="Id">Absent from users stored before ids existed: they keep their names as ids.</param>
    /// <param name="ToolSet">Absent (or empty) when the user is bound to none.</param>
    private sealed record StoredUser(string Role, string PasswordHash, DateTimeOffset CreatedAt, string? Id = null, string? ToolSet = null)
    {
        public LuminaUser ToUser(string name) => new(name, Role, CreatedAt, Id ?? name) { ToolSet = string.IsNullOrEmpty(ToolSet) ? null : ToolSet };
    }

    private sealed record StoredKey(string Owner, string Role, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool Revoked, string Hash, string? ToolSet = null)
    {
        public LuminaApiKey ToKey(string id) => new(id, Owner, Role, CreatedAt, ExpiresAt, Revoked) { ToolSet = string.IsNullOrEmpty(ToolSet) ? null : ToolSet };
    }
}
