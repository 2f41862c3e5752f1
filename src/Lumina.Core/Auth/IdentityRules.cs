using System.Security.Cryptography;

namespace Lumina.Core.Auth;

/// <summary>The checks both identity stores apply, so they refuse the same things with the same words.</summary>
internal static class IdentityRules
{
    public static string Username(string? username)
    {
        var name = username?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(name))
        {
            throw new LuminaIdentityException("A user name is required.");
        }

        if (name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@'))
        {
            throw new LuminaIdentityException($"'{username}' is not a valid user name: use at most 64 letters, digits and . _ - @.");
        }

        return name;
    }

    /// <summary>The name of a user being added: a valid name that is not reserved.</summary>
    public static string NewUsername(string? username)
    {
        var name = Username(username);
        ReservedUserNames.ThrowIfReserved(name);
        return name;
    }

    /// <summary>A new id for a user being added (see <see cref="LuminaUser.Id"/>).</summary>
    public static string NewUserId(string name) => name + "~" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>
    /// The next state of a sign-in record when an attempt is reserved at <paramref name="now"/> (Unix milliseconds): both
    /// stores apply this, the SQLite one in a transaction; the Redis script mirrors it.
    /// </summary>
    public static (SignInAttempt Attempt, SignInState State) Reserve(SignInState? current, SignInLimit limit, long now)
    {
        var state = current ?? new SignInState(0, now, 0);
        if (state.LockedUntil > now)
        {
            return (new SignInAttempt(false, state.Attempts, TimeSpan.FromMilliseconds(state.LockedUntil - now)), state);
        }

        if (state.LockedUntil > 0 || now - state.FirstAt > (long)limit.Window.TotalMilliseconds)
        {
            // A lockout that ended, or a window that passed: counting starts again.
            state = new SignInState(0, now, 0);
        }

        var attempts = state.Attempts + 1;
        var lockedUntil = attempts >= limit.MaxAttempts ? now + (long)limit.Duration.TotalMilliseconds : 0;
        return (new SignInAttempt(true, attempts, TimeSpan.Zero), new SignInState(attempts, state.FirstAt, lockedUntil));
    }

    /// <summary>The next state when a reserved attempt is given back: one fewer, and no lockout below the limit.</summary>
    public static SignInState Release(SignInState state, SignInLimit limit)
    {
        var attempts = Math.Max(0, state.Attempts - 1);
        return new SignInState(attempts, state.FirstAt, attempts < limit.MaxAttempts ? 0 : state.LockedUntil);
    }

    public static void Password(string? password, string username, LuminaAuthOptions options)
    {
        if (string.IsNullOrEmpty(password))
        {
            throw new LuminaIdentityException("The password is empty.");
        }

        if (password.Length < options.MinPasswordLength)
        {
            throw new LuminaIdentityException($"The password is too weak: use at least {options.MinPasswordLength} characters.");
        }

        if (string.Equals(password, username, StringComparison.OrdinalIgnoreCase) || password.Distinct().Count() < 4)
        {
            throw new LuminaIdentityException("The password is too weak: it is the user name or repeats too few characters.");
        }

        if (password.Length > 1024)
        {
            throw new LuminaIdentityException("The password is too long: use at most 1024 characters.");
        }
    }

    public static string KeyId(string? id) =>
        string.IsNullOrWhiteSpace(id) ? throw new LuminaIdentityException("A key id is required.") : id.Trim();

    public static DateTimeOffset? Expiry(DateTimeOffset? expiresAt, DateTimeOffset now) =>
        expiresAt is { } at && at <= now ? throw new LuminaIdentityException("The key's expiry must be in the future.") : expiresAt;

    public static LuminaApiKey Usable(LuminaApiKey? key, DateTimeOffset now) => key switch
    {
        null => throw new LuminaIdentityException("The API key is not valid."),
        { Revoked: true } => throw new LuminaIdentityException($"The API key {key.Id} was revoked."),
        _ when key.IsExpired(now) => throw new LuminaIdentityException($"The API key {key.Id} expired at {key.ExpiresAt:u}."),
        _ => key,
    };

    /// <summary>A tool set name to store: trimmed; null or empty (or <c>none</c>) for none.</summary>
    /// <exception cref="LuminaIdentityException">Not a tool set name.</exception>
    public static string? ToolSet(string? toolSet)
    {
        var name = toolSet?.Trim();
        if (string.IsNullOrEmpty(name) || name.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return name.Length <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? name
            : throw new LuminaIdentityException($"'{toolSet}' is not a tool set name (letters, digits, '-' and '_').");
    }

    /// <summary>The error for a username that does not exist.</summary>
    public static LuminaIdentityException UnknownUser(string username) => new($"There is no user '{username}'.");

    public static LuminaIdentityException DuplicateUser(string username) => new($"A user named '{username}' already exists.");

    public static LuminaIdentityException UnknownKey(string id) => new($"There is no API key '{id}'.");
}

/// <summary>A sign-in record as the stores keep it (times in Unix milliseconds; <paramref name="LockedUntil"/> 0 when not locked).</summary>
internal sealed record SignInState(int Attempts, long FirstAt, long LockedUntil)
{
    /// <summary>When the record may be dropped (Unix milliseconds).</summary>
    public long ExpiresAt(SignInLimit limit) => Math.Max(FirstAt + (long)limit.Window.TotalMilliseconds, LockedUntil);
}
