using System.Security.Claims;
using Lumina.Abstractions;
using Lumina.Core.Auth;

namespace Lumina.Mcp;

/// <summary>
/// The caller an authenticated principal stands for: the one mapping from claims to <see cref="LuminaCaller"/>, shared by
/// MCP over HTTP and the host's HTTP API so a token is the same caller on both.
/// </summary>
public static class LuminaClaims
{
    /// <summary>The claim of the caller's id: the JWT subject.</summary>
    public const string Subject = "sub";

    /// <summary>The claim of the caller's Lumina role.</summary>
    public const string Role = "role";

    /// <summary>The claim naming the tool set the caller sees: its identity's binding, else its endpoint's (<c>/mcp/&lt;name&gt;</c>).</summary>
    public const string ToolSet = "toolset";

    /// <summary>The caller <paramref name="user"/> is; <see langword="null"/> when it is not authenticated.</summary>
    /// <remarks>
    /// The id is <c>sub</c>, then <see cref="ClaimTypes.NameIdentifier"/>, then the name. The subject comes first because
    /// it is the issuer's stable id for the user and keys the caller's memory, budgets and audit records; a name
    /// identifier may be a second, differently derived id (or a mapped copy of another claim), and names can be reused.
    /// </remarks>
    public static LuminaCaller? Caller(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true } identity)
        {
            return null;
        }

        var id = user.FindFirst(Subject)?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? identity.Name ?? "unknown";
        var role = user.FindFirst(Role)?.Value ?? user.FindFirst(ClaimTypes.Role)?.Value ?? LuminaRoles.Guest;
        return new LuminaCaller(id, identity.Name ?? id, role, LuminaTransport.Http, IsAuthenticated: true) { ToolSet = user.FindFirst(ToolSet)?.Value };
    }
}
