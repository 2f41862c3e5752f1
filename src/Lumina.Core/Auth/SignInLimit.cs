namespace Lumina.Core.Auth;

/// <summary>How many sign-in attempts a key (a user name, a client address) gets, and for how long it is then locked out.</summary>
/// <param name="MaxAttempts">Attempts per <paramref name="Window"/>; the one that reaches it locks the key out.</param>
/// <param name="Window">How long attempts are counted from the first.</param>
/// <param name="Duration">How long a lockout lasts.</param>
public sealed record SignInLimit(int MaxAttempts, TimeSpan Window, TimeSpan Duration);
