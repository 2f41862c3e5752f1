namespace Lumina.Host.Auth;

/// <summary>
/// Settings of <c>Lumina:Auth:Lockout</c>: failed sign-ins are slowed, then locked out for a while. Attempts are counted
/// in the identity store (shared by every host on Redis) and reserved before a password or key is checked, so however
/// many guesses arrive at once, at most <see cref="MaxFailures"/> passwords of a user name are checked per window.
/// </summary>
public sealed class SignInLockoutOptions
{
    /// <summary>Failures for one user name after which it is locked out.</summary>
    /// <value>The default value is 5.</value>
    public int MaxFailures { get; set; } = 5;

    /// <summary>Failures from one client address (any user name or key) after which it is locked out.</summary>
    /// <value>The default value is 20.</value>
    public int MaxFailuresPerClient { get; set; } = 20;

    /// <summary>How long failures are remembered.</summary>
    /// <value>The default value is 15 minutes.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a lockout lasts.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The delay added to an answer per earlier failure (doubling, at most 2 seconds).</summary>
    /// <value>The default value is 250 milliseconds.</value>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(250);
}
