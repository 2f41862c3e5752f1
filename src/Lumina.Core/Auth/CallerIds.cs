namespace Lumina.Core.Auth;

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
