using Lumina.Abstractions;

namespace Lumina.Core.Auth;

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
