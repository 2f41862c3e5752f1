using System.Security.Claims;
using Lumina.Core.Auth;
using Lumina.Mcp;

namespace Lumina.Host.Auth;

/// <summary>The claims of the tokens Lumina issues; <see cref="LuminaClaims.Caller"/> reads the caller back from them.</summary>
internal static class LuminaTokenClaims
{
    public const string Subject = LuminaClaims.Subject;
    public const string Name = "name";
    public const string Role = LuminaClaims.Role;
    public const string KeyId = "key_id";

    /// <summary>
    /// The claims of a caller: <c>sub</c> is the user's id (<see cref="LuminaUser.Id"/>), which keys the caller's state
    /// and tells a user from a later user of the same name; <c>name</c> is the user name.
    /// </summary>
    public static List<Claim> For(string userId, string username, string role, string? keyId = null, string? toolSet = null)
    {
        List<Claim> claims = [new(Subject, userId), new(Name, username), new(Role, role)];
        if (keyId is not null)
        {
            claims.Add(new(KeyId, keyId));
        }

        if (toolSet is not null)
        {
            claims.Add(new(LuminaClaims.ToolSet, toolSet));
        }

        return claims;
    }
}
