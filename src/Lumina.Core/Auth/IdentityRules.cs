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

    public static LuminaIdentityException UnknownUser(string username) => new($"There is no user '{username}'.");

    public static LuminaIdentityException DuplicateUser(string username) => new($"A user named '{username}' already exists.");

    public static LuminaIdentityException UnknownKey(string id) => new($"There is no API key '{id}'.");
}
