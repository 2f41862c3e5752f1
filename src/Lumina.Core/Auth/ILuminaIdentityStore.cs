namespace Lumina.Core.Auth;

/// <summary>
/// Users and API keys. Passwords are stored as salted PBKDF2-SHA256 hashes, keys as SHA-256 hashes; neither can be read
/// back. Every refusal is a <see cref="LuminaIdentityException"/> whose message says what is wrong.
/// </summary>
public interface ILuminaIdentityStore
{
    /// <summary>Adds a user.</summary>
    /// <exception cref="LuminaIdentityException">The name is taken or invalid, the password too weak, or the role unknown.</exception>
    Task<LuminaUser> AddUserAsync(string username, string password, string role, CancellationToken cancellationToken = default);

    /// <summary>The user named <paramref name="username"/>, or <see langword="null"/>.</summary>
    Task<LuminaUser?> GetUserAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>Every user, by name.</summary>
    Task<IReadOnlyList<LuminaUser>> ListUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes a user and revokes the user's keys.</summary>
    /// <exception cref="LuminaIdentityException">There is no such user.</exception>
    Task RemoveUserAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>Changes a user's role.</summary>
    /// <exception cref="LuminaIdentityException">There is no such user, or the role is unknown.</exception>
    Task<LuminaUser> SetRoleAsync(string username, string role, CancellationToken cancellationToken = default);

    /// <summary>
    /// The user, when <paramref name="password"/> is theirs; otherwise <see langword="null"/> (an unknown user and a wrong
    /// password are not told apart, and take about as long). A hash made with fewer iterations than configured is
    /// replaced on success.
    /// </summary>
    Task<LuminaUser?> VerifyPasswordAsync(string username, string password, CancellationToken cancellationToken = default);

    /// <summary>Binds <paramref name="username"/> (and its keys without a tool set of their own) to <paramref name="toolSet"/>; null or <c>none</c> unbinds.</summary>
    /// <exception cref="LuminaIdentityException">No such user, or not a tool set name.</exception>
    Task<LuminaUser> SetUserToolSetAsync(string username, string? toolSet, CancellationToken cancellationToken = default);

    /// <summary>Binds the API key <paramref name="id"/> to <paramref name="toolSet"/>; null or <c>none</c> makes it follow its owner's.</summary>
    /// <exception cref="LuminaIdentityException">No such key, or not a tool set name.</exception>
    Task<LuminaApiKey> SetKeyToolSetAsync(string id, string? toolSet, CancellationToken cancellationToken = default);

    /// <summary>Creates an API key for <paramref name="owner"/>, with the owner's role unless <paramref name="role"/> says otherwise.</summary>
    /// <exception cref="LuminaIdentityException">There is no such user, the role is unknown, or the expiry is not in the future.</exception>
    Task<CreatedApiKey> CreateKeyAsync(string owner, string? role = null, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default);

    /// <summary>The key with the id <paramref name="id"/> (revoked and expired keys too), or <see langword="null"/>.</summary>
    Task<LuminaApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Every key (never the key itself), oldest first.</summary>
    Task<IReadOnlyList<LuminaApiKey>> ListKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes a key by its id.</summary>
    /// <exception cref="LuminaIdentityException">There is no key with that id.</exception>
    Task RevokeKeyAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The key <paramref name="secret"/> is, when it is valid.</summary>
    /// <exception cref="LuminaIdentityException">The key is unknown, revoked or expired.</exception>
    Task<LuminaApiKey> VerifyKeyAsync(string secret, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reserves one sign-in attempt for <paramref name="key"/> (a user name or a client address) before its password or
    /// key is checked, atomically across every host sharing the store: at most <see cref="SignInLimit.MaxAttempts"/>
    /// attempts are granted per window however many arrive at once, and reaching the limit locks the key out for
    /// <see cref="SignInLimit.Duration"/>. An attempt that is not given back with <see cref="ReleaseSignInAsync"/> counts as a failure.
    /// </summary>
    Task<SignInAttempt> ReserveSignInAsync(string key, SignInLimit limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives back an attempt reserved with <see cref="ReserveSignInAsync"/> that did not fail (lifting a lockout it
    /// caused), or — with <paramref name="forget"/> — forgets every attempt of <paramref name="key"/> (a user's successful sign-in).
    /// </summary>
    Task ReleaseSignInAsync(string key, SignInLimit limit, bool forget, CancellationToken cancellationToken = default);
}
