namespace Lumina.Core.Auth;

/// <summary>Settings of <c>Lumina:Auth</c>: roles of unauthenticated callers, permission overrides, password rules.</summary>
public sealed class LuminaAuthOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Lumina:Auth";

    /// <summary>The fewest PBKDF2 iterations accepted: OWASP's current figure for PBKDF2-HMAC-SHA256.</summary>
    public const int MinimumIterations = 600_000;

    /// <summary>The role of the local user on stdio (the process owner, whom the operating system already authenticated).</summary>
    /// <value>The default value is <c>user</c>. The older setting <c>Lumina:Stdio:Role</c> is read when this one is absent.</value>
    public string LocalRole { get; set; } = LuminaRoles.User;

    /// <summary>
    /// The role of an HTTP caller that presented no credentials; <see langword="null"/> refuses such callers (401).
    /// </summary>
    /// <value>The default value is <see langword="null"/>: anonymous HTTP access is off.</value>
    public string? AnonymousRole { get; set; }

    /// <summary>
    /// Permission overrides: the key is a plugin name (every function of the plugin) or <c>plugin.function</c>; the value
    /// is <c>read</c>, <c>write</c>, <c>execute</c> or <c>manage</c>. A function's own entry wins over its plugin's.
    /// </summary>
    /// <value>The default value is empty: what the plugins declare applies.</value>
    public IDictionary<string, string> Permissions { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>PBKDF2-HMAC-SHA256 iterations for new password hashes; existing hashes keep theirs until the next successful sign-in.</summary>
    /// <value>The default value is 600,000.</value>
    public int PasswordIterations { get; set; } = MinimumIterations;

    /// <summary>The shortest password accepted.</summary>
    /// <value>The default value is 12.</value>
    public int MinPasswordLength { get; set; } = 12;
}
