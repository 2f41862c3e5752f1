using System.Collections.Frozen;
using Lumina.Abstractions;

namespace Lumina.Core.Auth;

/// <summary>Lumina's roles and the permissions each grants.</summary>
public static class LuminaRoles
{
    /// <summary>Everything, including administering users, keys and audit.</summary>
    public const string Admin = "admin";

    /// <summary>Read, write and execute.</summary>
    public const string User = "user";

    /// <summary>Read only.</summary>
    public const string Guest = "guest";

    private static readonly FrozenDictionary<string, FrozenSet<LuminaPermission>> s_grants = new Dictionary<string, FrozenSet<LuminaPermission>>(StringComparer.OrdinalIgnoreCase)
    {
        [Admin] = FrozenSet.ToFrozenSet([LuminaPermission.Read, LuminaPermission.Write, LuminaPermission.Execute, LuminaPermission.Manage]),
        [User] = FrozenSet.ToFrozenSet([LuminaPermission.Read, LuminaPermission.Write, LuminaPermission.Execute]),
        [Guest] = FrozenSet.ToFrozenSet([LuminaPermission.Read]),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The known roles, most powerful first.</summary>
    public static IReadOnlyList<string> All { get; } = [Admin, User, Guest];

    /// <summary>Whether <paramref name="role"/> is one of <see cref="All"/> (case-insensitive).</summary>
    public static bool IsKnown(string? role) => role is not null && s_grants.ContainsKey(role);

    /// <summary>The permissions <paramref name="role"/> grants; none for an unknown role.</summary>
    public static IReadOnlySet<LuminaPermission> Permissions(string? role) =>
        role is not null && s_grants.TryGetValue(role, out var granted) ? granted : FrozenSet<LuminaPermission>.Empty;

    /// <summary>Whether <paramref name="role"/> grants <paramref name="permission"/>.</summary>
    public static bool Grants(string? role, LuminaPermission permission) => Permissions(role).Contains(permission);

    /// <summary>The canonical (lower-case) name of a known role.</summary>
    /// <exception cref="LuminaIdentityException">The role is not known.</exception>
    public static string Normalize(string? role) =>
        IsKnown(role) ? role!.ToLowerInvariant() : throw new LuminaIdentityException($"Unknown role '{role}': use one of {string.Join(", ", All)}.");

    /// <summary>
    /// The weaker of two roles, e.g. an API key's role capped by its owner's current role. An unknown role is weaker
    /// than any known one (it grants nothing).
    /// </summary>
    public static string Weaker(string first, string second)
    {
        static int Rank(string role)
        {
            for (var i = 0; i < All.Count; i++)
            {
                if (string.Equals(All[i], role, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            return int.MaxValue;
        }

        return Rank(first) >= Rank(second) ? first : second;
    }

    /// <summary>The lower-case name of a permission, as configuration and messages spell it.</summary>
    public static string Name(LuminaPermission permission) => permission switch
    {
        LuminaPermission.Read => "read",
        LuminaPermission.Write => "write",
        LuminaPermission.Execute => "execute",
        LuminaPermission.Manage => "manage",
        _ => permission.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses <c>read</c>, <c>write</c>, <c>execute</c> or <c>manage</c> (case-insensitive).</summary>
    public static bool TryParsePermission(string? text, out LuminaPermission permission)
    {
        permission = default;
        if (text is null)
        {
            return false;
        }

        switch (text.Trim().ToLowerInvariant())
        {
            case "read":
                permission = LuminaPermission.Read;
                return true;
            case "write":
                permission = LuminaPermission.Write;
                return true;
            case "execute":
                permission = LuminaPermission.Execute;
                return true;
            case "manage":
                permission = LuminaPermission.Manage;
                return true;
            default:
                return false;
        }
    }
}
