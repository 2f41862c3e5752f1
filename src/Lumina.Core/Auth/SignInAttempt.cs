namespace Lumina.Core.Auth;

/// <summary>The answer to <see cref="ILuminaIdentityStore.ReserveSignInAsync"/>.</summary>
/// <param name="Granted">Whether the attempt may go ahead (its password or key may be checked).</param>
/// <param name="Attempts">The attempts counted in the window, this one included when granted.</param>
/// <param name="RetryAfter">When refused: how long the lockout still lasts.</param>
public sealed record SignInAttempt(bool Granted, int Attempts, TimeSpan RetryAfter);
