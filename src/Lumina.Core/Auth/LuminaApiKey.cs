namespace Lumina.Core.Auth;

/// <summary>An API key as stored: everything but the key itself, which only its SHA-256 hash represents.</summary>
/// <param name="Id">A short public identifier, used to list and revoke the key.</param>
/// <param name="Owner">The user the key acts for.</param>
/// <param name="Role">The role the key's caller gets.</param>
/// <param name="ExpiresAt">When it stops working; <see langword="null"/> for never.</param>
/// <param name="Revoked">Whether it was revoked.</param>
public sealed record LuminaApiKey(string Id, string Owner, string Role, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool Revoked)
{
    /// <summary>The tool set the key is bound to; null follows its owner's.</summary>
    public string? ToolSet { get; init; }

    /// <summary>Whether the key has expired at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expires && expires <= now;
}
