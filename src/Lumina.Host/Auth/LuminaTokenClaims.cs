using System.Security.Claims;
using Lumina.Abstractions;
using Lumina.Core.Auth;

namespace Lumina.Host.Auth;

/// <summary>The claims of a Lumina caller, and the caller a principal stands for.</summary>
internal static class LuminaTokenClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";
    public const string KeyId = "key_id";

    /// <summary>
    /// The claims of a caller: <c>sub</c> is the user's id (<see cref="LuminaUser.Id"/>), which keys the caller's state
    /// and tells a user from a later user of the same name; <c>name</c> is the user name.
    /// </summary>
    public static List<Claim> For(string userId, string username, string role, string? keyId = null)
    {
        List<Claim> claims = [new(Subject, userId), new(Name, username), new(Role, role)];
        if (keyId is not null)
        {
            claims.Add(new(KeyId, keyId));
        }

        return claims;
    }

    /// <summary>The caller an authenticated principal is; <see langword="null"/> when it is not authenticated.</summary>
    public static LuminaCaller? Caller(ClaimsPrincipal user)
    {
        if (user.Identity is not { IsAuthenticated: true } identity)
        {
            return null;
        }

        var id = user.FindFirst(Subject)?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? identity.Name ?? "unknown";
        var role = user.FindFirst(Role)?.Value ?? user.FindFirst(ClaimTypes.Role)?.Value ?? LuminaRoles.Guest;
        return new LuminaCaller(id, identity.Name ?? id, role, LuminaTransport.Http, IsAuthenticated: true);
    }
}
