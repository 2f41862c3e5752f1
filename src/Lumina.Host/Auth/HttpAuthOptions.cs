namespace Lumina.Host.Auth;

/// <summary>Settings of <c>Lumina:Auth</c> that only the HTTP host reads: tokens, their audience and sign-in limits.</summary>
public sealed class HttpAuthOptions
{
    /// <summary>The configuration section these options bind from (shared with the kernel's auth options).</summary>
    public const string SectionName = "Lumina:Auth";

    /// <summary>The fewest bytes (UTF-8) a signing key may have: HS256 needs a 256-bit key.</summary>
    public const int MinimumSigningKeyBytes = 32;

    /// <summary>
    /// The HS256 key that signs and checks the tokens of <c>POST /token</c> (environment <c>Lumina__Auth__SigningKey</c>).
    /// Hosts that share a key (and <see cref="Resource"/> and <see cref="Issuer"/>) accept each other's tokens.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: a random key per start, so tokens die with the process.</value>
    public string? SigningKey { get; set; }

    /// <summary>How long a token from <c>POST /token</c> lasts.</summary>
    /// <value>The default value is 15 minutes.</value>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The clock difference tolerated when checking a token's lifetime.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>This server's resource URI: the audience every accepted token must name.</summary>
    /// <value>The default value is the first address the server listens on, with <c>/mcp</c> (e.g. <c>http://127.0.0.1:5100/mcp</c>).</value>
    public string? Resource { get; set; }

    /// <summary>The issuer of <c>POST /token</c>'s tokens.</summary>
    /// <value>The default value is the first address the server listens on (e.g. <c>http://127.0.0.1:5100</c>).</value>
    public string? Issuer { get; set; }

    /// <summary>
    /// An external OpenID Connect authority whose tokens are accepted (checked against its discovery metadata and keys).
    /// When set, Lumina issues no tokens itself: <c>POST /token</c> is not served.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: Lumina is its own token issuer.</value>
    public string? Authority { get; set; }

    /// <summary>The audience the external authority's tokens must name.</summary>
    /// <value>The default value is <see cref="Resource"/>.</value>
    public string? Audience { get; set; }

    /// <summary>Whether the external authority's metadata must be fetched over HTTPS.</summary>
    /// <value>The default value is <see langword="true"/>; turn it off only for a loopback test authority.</value>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The claim of an external token that holds the caller's role (Lumina's own tokens use <c>role</c>).</summary>
    /// <value>The default value is <c>role</c>.</value>
    public string RoleClaim { get; set; } = "role";

    /// <summary>
    /// How long a user's or an API key's record, read from the identity store to check a request's token or key, is
    /// reused. Every request is checked against the store: a removed user, a changed role or a revoked key takes effect
    /// on every host sharing the store within this time. Zero reads the store on every request.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan IdentityCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Brute-force protection of <c>POST /token</c>.</summary>
    public SignInLockoutOptions Lockout { get; set; } = new();
}
