using System.Security.Claims;
using Lumina.Core.Auth;
using Lumina.Mcp;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Lumina.Host.Auth;

/// <summary>
/// Checks the caller a token or API key stands for against the identity store, on every request: the user must still
/// exist and be the same user (its id, the token's <c>sub</c>, changes when the name is removed and added again), a
/// key named by the token must still be usable, and the role is the store's — the user's, or a key's capped by its
/// owner's — never the one the token was issued with. Reserved names (<see cref="ReservedUserNames"/>) are refused.
/// </summary>
/// <remarks>
/// Records are reused for <see cref="HttpAuthOptions.IdentityCacheDuration"/> (at most <see cref="MaxEntries"/> of them),
/// so a change made on any host sharing the store takes effect everywhere within that time.
/// </remarks>
internal sealed partial class CallerCheck(ILuminaIdentityStore store, IOptions<HttpAuthOptions> options, TimeProvider time, ILogger<CallerCheck> logger) : IDisposable
{
    /// <summary>The most user and key records kept at once.</summary>
    public const int MaxEntries = 10_000;

    private readonly TimeSpan _duration = options.Value.IdentityCacheDuration;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    /// <summary>
    /// Confirms a validated Lumina token's caller and sets its role claim to the role the store gives now; an external
    /// authority's token (whose users Lumina does not store) is only refused when it names a reserved identity.
    /// </summary>
    /// <returns>When the store's answers this confirmation used were read (the oldest, when they came from the cache).</returns>
    /// <exception cref="CredentialRejectedException">The caller is no longer valid.</exception>
    public async Task<DateTimeOffset> ConfirmTokenAsync(ClaimsIdentity identity, bool external, CancellationToken cancellationToken)
    {
        var subject = identity.FindFirst(LuminaTokenClaims.Subject)?.Value;
        var name = identity.FindFirst(LuminaTokenClaims.Name)?.Value;
        RefuseReserved(subject);
        RefuseReserved(name);
        if (external)
        {
            return time.GetUtcNow();
        }

        var (user, asOf) = await UserAsync(name, cancellationToken).ConfigureAwait(false);
        if (user is null || !string.Equals(user.Id, subject, StringComparison.Ordinal))
        {
            // Absent, or a later user of the same name: the token's user was removed.
            throw new CredentialRejectedException($"The token's user '{name}' no longer exists.");
        }

        var role = user.Role;
        var toolSet = user.ToolSet;
        if (identity.FindFirst(LuminaTokenClaims.KeyId)?.Value is { } keyId)
        {
            var (key, keyAsOf) = await KeyAsync(keyId, cancellationToken).ConfigureAwait(false);
            asOf = keyAsOf < asOf ? keyAsOf : asOf;
            role = KeyRole(key, keyId, user);
            toolSet = key?.ToolSet ?? toolSet;
        }

        // Role and tool set as the store says now, whatever the token says: a demotion or a binding takes effect at once.
        foreach (var claim in identity.FindAll(c => c.Type is LuminaTokenClaims.Role or LuminaClaims.ToolSet).ToList())
        {
            identity.RemoveClaim(claim);
        }

        identity.AddClaim(new Claim(LuminaTokenClaims.Role, role));
        if (toolSet is not null)
        {
            identity.AddClaim(new Claim(LuminaClaims.ToolSet, toolSet));
        }

        return asOf;
    }

    /// <summary>The owner of a key the store just verified, and the role the key gives now (capped by the owner's).</summary>
    /// <exception cref="CredentialRejectedException">The owner is gone or has a reserved name.</exception>
    public async Task<(LuminaUser Owner, string Role)> KeyOwnerAsync(LuminaApiKey key, CancellationToken cancellationToken)
    {
        RefuseReserved(key.Owner);
        var owner = (await UserAsync(key.Owner, cancellationToken).ConfigureAwait(false)).Value
            ?? throw new CredentialRejectedException($"The API key {key.Id}'s owner '{key.Owner}' no longer exists.");
        return (owner, KeyRole(key, key.Id, owner));
    }

    /// <summary>Refuses a reserved name (a user stored with one before names were reserved cannot sign in), saying so in the log.</summary>
    /// <exception cref="CredentialRejectedException"><paramref name="name"/> is reserved.</exception>
    public void RefuseReserved(string? name)
    {
        if (ReservedUserNames.Contains(name))
        {
            var reserved = name!.Trim().ToLowerInvariant();
            LogReserved(reserved);
            throw new CredentialRejectedException(
                $"'{reserved}' is a reserved name (the identity of callers who are not users): it cannot sign in over HTTP.");
        }
    }

    public void Dispose() => _cache.Dispose();

    private string KeyRole(LuminaApiKey? key, string keyId, LuminaUser owner)
    {
        if (key is null || !string.Equals(key.Owner, owner.Username, StringComparison.Ordinal))
        {
            throw new CredentialRejectedException($"The API key {keyId} is not valid.");
        }

        if (key.Revoked)
        {
            throw new CredentialRejectedException($"The API key {keyId} was revoked.");
        }

        if (key.IsExpired(time.GetUtcNow()))
        {
            throw new CredentialRejectedException($"The API key {keyId} expired at {key.ExpiresAt:u}.");
        }

        // A key acts for its owner: never with more than the owner has now (a demoted owner's keys are demoted too).
        return LuminaRoles.Weaker(key.Role, owner.Role);
    }

    private Task<(LuminaUser? Value, DateTimeOffset ReadAt)> UserAsync(string? name, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return Task.FromResult<(LuminaUser?, DateTimeOffset)>((null, time.GetUtcNow()));
        }

        return CachedAsync("u:" + name, async () =>
        {
            try
            {
                return await store.GetUserAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (LuminaIdentityException)
            {
                // Not a valid user name: no such user.
                return null;
            }
        });
    }

    private Task<(LuminaApiKey? Value, DateTimeOffset ReadAt)> KeyAsync(string id, CancellationToken cancellationToken) =>
        CachedAsync("k:" + id, () => store.GetKeyAsync(id, cancellationToken));

    /// <summary>The store's answer, reused for <see cref="HttpAuthOptions.IdentityCacheDuration"/>, with when it was read.</summary>
    private async Task<(T? Value, DateTimeOffset ReadAt)> CachedAsync<T>(string key, Func<Task<T?>> read)
        where T : class
    {
        if (_duration <= TimeSpan.Zero)
        {
            return (await read().ConfigureAwait(false), time.GetUtcNow());
        }

        if (_cache.TryGetValue(key, out (T? Value, DateTimeOffset ReadAt) cached))
        {
            return cached;
        }

        var readAt = time.GetUtcNow();
        var value = await read().ConfigureAwait(false);
        using (var entry = _cache.CreateEntry(key))
        {
            entry.Value = (value, readAt);
            entry.Size = 1;
            entry.AbsoluteExpirationRelativeToNow = _duration;
        }

        return (value, readAt);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a caller named '{Name}': the name is reserved (the stdio caller is 'local', callers without credentials 'anonymous'), so a user of that name cannot sign in. Remove it with 'lumina users remove'.")]
    private partial void LogReserved(string name);
}
