using Lumina.Abstractions;
using Lumina.Core.Auth;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace Lumina.Mcp;

/// <summary>Decides who the caller of an MCP request is.</summary>
public interface ILuminaCallerResolver
{
    LuminaCaller Resolve(JsonRpcRequest request);
}

/// <summary>
/// An authenticated HTTP user is who their claims say; otherwise stdio callers are the local user (the process
/// owner, whom the operating system already authenticated) with <c>Lumina:Auth:LocalRole</c>, and HTTP callers are
/// anonymous with <c>Lumina:Auth:AnonymousRole</c>. With none configured the HTTP host refuses them before MCP sees
/// them; should one get here anyway, its role grants nothing.
/// </summary>
internal sealed class DefaultCallerResolver(IOptions<LuminaMcpOptions> options, IOptions<LuminaAuthOptions> auth, ILuminaEndpointToolSet? endpoint = null) : ILuminaCallerResolver
{
    /// <summary>A role that is none of <see cref="LuminaRoles.All"/>, so it grants no permission.</summary>
    private const string NoRole = "none";

    private readonly LuminaCaller _local = new(LuminaCaller.LocalId, Environment.UserName, options.Value.LocalRole ?? auth.Value.LocalRole, LuminaTransport.Stdio, IsAuthenticated: false)
    {
        ToolSet = string.IsNullOrWhiteSpace(options.Value.ToolSet) ? null : options.Value.ToolSet,
    };
    private readonly LuminaCaller _anonymous = new(LuminaCaller.AnonymousId, LuminaCaller.AnonymousId, auth.Value.AnonymousRole ?? NoRole, LuminaTransport.Http, IsAuthenticated: false);

    public LuminaCaller Resolve(JsonRpcRequest request)
    {
        if (LuminaClaims.Caller(request.Context?.User) is { } caller)
        {
            return caller;
        }

        if (options.Value.Transport == LuminaTransport.Stdio)
        {
            return _local;
        }

        // An anonymous caller on a tool set's endpoint sees that set.
        return (request.Context?.User?.FindFirst(LuminaClaims.ToolSet)?.Value ?? endpoint?.Current) is { } set ? _anonymous with { ToolSet = set } : _anonymous;
    }
}
