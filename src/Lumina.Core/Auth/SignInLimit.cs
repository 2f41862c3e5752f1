using Lumina.Abstractions;

namespace Lumina.Core.Auth;

/// <summary>How many sign-in attempts a key (a user name, a client address) gets, and for how long it is then locked out.</summary>
/// <param name="MaxAttempts">Attempts per <paramref name="Window"/>; the one that reaches it locks the key out.</param>
/// <param name="Window">How long attempts are counted from the first.</param>
/// <param name="Duration">How long a lockout lasts.</param>
public sealed record SignInLimit(int MaxAttempts, TimeSpan Window, TimeSpan Duration);

/// <summary>The answer to <see cref="ILuminaIdentityStore.ReserveSignInAsync"/>.</summary>
/// <param name="Granted">Whether the attempt may go ahead (its password or key may be checked).</param>
/// <param name="Attempts">The attempts counted in the window, this one included when granted.</param>
/// <param name="RetryAfter">When refused: how long the lockout still lasts.</param>
public sealed record SignInAttempt(bool Granted, int Attempts, TimeSpan RetryAfter);

/// <summary>
/// Names no user may have: the identities of callers who are not users (the local stdio caller, anonymous HTTP callers),
/// whose memory and other per-caller state a user of that name would otherwise share.
/// </summary>
public static class ReservedUserNames
{
    /// <summary>The reserved names.</summary>
    public static IReadOnlyList<string> All { get; } = [LuminaCaller.LocalId, LuminaCaller.AnonymousId];

    /// <summary>Whether <paramref name="name"/> is reserved (compared as user names are: trimmed, case-insensitive).</summary>
    public static bool Contains(string? name) =>
        name is not null && All.Contains(name.Trim(), StringComparer.OrdinalIgnoreCase);

    /// <summary>Refuses <paramref name="name"/> as the name of a new user when it is reserved.</summary>
    /// <exception cref="LuminaIdentityException"><paramref name="name"/> is reserved.</exception>
    public static void ThrowIfReserved(string? name)
    {
        if (Contains(name))
        {
            throw new LuminaIdentityException(
                $"'{name!.Trim().ToLowerInvariant()}' is a reserved name (the identity of callers who are not users: {string.Join(", ", All)}): choose another.");
        }
    }
}

/// <summary>How configuration that names callers (a budget's <c>Callers</c>) matches a caller's id.</summary>
public static class CallerIds
{
    /// <summary>
    /// Whether the caller <paramref name="callerId"/> is the one <paramref name="configured"/> names: the same id, or —
    /// for a user, whose id is <c>name~</c> and random digits (see <see cref="LuminaUser.Id"/>) — the user's name.
    /// </summary>
    public static bool Matches(string callerId, string configured)
    {
        ArgumentNullException.ThrowIfNull(callerId);
        ArgumentNullException.ThrowIfNull(configured);
        return string.Equals(callerId, configured, StringComparison.Ordinal)
            || (configured.Length > 0
                && callerId.Length > configured.Length
                && callerId[configured.Length] == '~'
                && callerId.StartsWith(configured, StringComparison.Ordinal));
    }
}
