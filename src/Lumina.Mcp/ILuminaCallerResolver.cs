using System.Security.Claims;
using Lumina.Abstractions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>Decides who the caller of an MCP request is.</summary>
public interface ILuminaCallerResolver
{
    LuminaCaller Resolve(McpServer server, JsonRpcRequest request);
}

/// <summary>
/// An authenticated HTTP user is who their claims say; otherwise stdio callers are the local user (the process
/// owner, whom the operating system already authenticated) and HTTP callers are anonymous guests.
/// </summary>
internal sealed class DefaultCallerResolver(IOptions<LuminaMcpOptions> options) : ILuminaCallerResolver
{
    private readonly LuminaCaller _local = new("local", Environment.UserName, options.Value.LocalRole, LuminaTransport.Stdio, IsAuthenticated: false);
    private readonly LuminaCaller _anonymous = new("anonymous", "anonymous", "guest", LuminaTransport.Http, IsAuthenticated: false);

    public LuminaCaller Resolve(McpServer server, JsonRpcRequest request)
    {
        if (request.Context?.User is { Identity.IsAuthenticated: true } user)
        {
            var id = user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.FindFirst("sub")?.Value ?? user.Identity.Name ?? "unknown";
            var role = user.FindFirst(ClaimTypes.Role)?.Value ?? user.FindFirst("role")?.Value ?? "guest";
            return new LuminaCaller(id, user.Identity.Name ?? id, role, LuminaTransport.Http, IsAuthenticated: true);
        }

        return options.Value.Transport == LuminaTransport.Stdio ? _local : _anonymous;
    }
}
