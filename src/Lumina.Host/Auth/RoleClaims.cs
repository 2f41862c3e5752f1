using System.Security.Claims;
using Lumina.Core.Auth;

namespace Lumina.Host.Auth;

/// <summary>Leaves exactly one Lumina role on a principal: the strongest known role among its role claims.</summary>
/// <remarks>
/// External authorities name roles in their own claim (<c>roles</c>, <c>groups</c>…) and may give several; the MCP layer
/// reads a single <c>role</c> claim. With no known role the caller is a guest.
/// </remarks>
internal static class RoleClaims
{
    public static void Normalize(ClaimsPrincipal? principal, string roleClaim)
    {
        if (principal?.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        var found = identity.FindAll(roleClaim).Concat(identity.FindAll(LuminaTokenClaims.Role)).Select(c => c.Value).ToList();
        var role = LuminaRoles.All.FirstOrDefault(r => found.Contains(r, StringComparer.OrdinalIgnoreCase)) ?? LuminaRoles.Guest;
        foreach (var claim in identity.FindAll(LuminaTokenClaims.Role).ToList())
        {
            identity.RemoveClaim(claim);
        }

        identity.AddClaim(new Claim(LuminaTokenClaims.Role, role));
    }
}
