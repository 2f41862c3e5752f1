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
internal sealed class DefaultCallerResolver(IOptions<LuminaMcpOptions> options, IOptions<LuminaAuthOptions> auth) : ILuminaCallerResolver
{
    /// <summary>A role that is none of <see cref="LuminaRoles.All"/>, so it grants no permission.</summary>
    private const string NoRole = "none";

    private readonly LuminaCaller _local = new(LuminaCaller.LocalId, Environment.UserName, options.Value.LocalRole ?? auth.Value.LocalRole, LuminaTransport.Stdio, IsAuthenticated: false);
    private readonly LuminaCaller _anonymous = new(LuminaCaller.AnonymousId, LuminaCaller.AnonymousId, auth.Value.AnonymousRole ?? NoRole, LuminaTransport.Http, IsAuthenticated: false);

    public LuminaCaller Resolve(JsonRpcRequest request)
    {
        if (LuminaClaims.Caller(request.Context?.User) is { } caller)
        {
            return caller;
        }

        return options.Value.Transport == LuminaTransport.Stdio ? _local : _anonymous;
    }
}
