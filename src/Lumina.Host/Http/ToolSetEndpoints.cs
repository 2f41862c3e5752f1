using System.Security.Claims;
using System.Text.Json;
using Lumina.Core.ToolSets;
using Lumina.Mcp;

namespace Lumina.Host.Http;

/// <summary>
/// Tool sets over HTTP: <c>/mcp/&lt;name&gt;</c> serves the set <c>Lumina:ToolSets:&lt;name&gt;</c>. A caller whose
/// identity is bound to a set sees that set on every endpoint, and is refused at another set's endpoint; any other
/// caller sees the set of the endpoint it calls.
/// </summary>
internal sealed class ToolSetEndpoints(RequestDelegate next, LuminaToolSets sets)
{
    /// <summary>The route value that names the set.</summary>
    public const string RouteValue = "toolset";

    /// <summary>Where the request's set is kept for <see cref="Current"/>.</summary>
    private const string ItemKey = "lumina.toolset";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetRouteValue(RouteValue) is not string named)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (!sets.Exists(named))
        {
            await RefuseAsync(context, StatusCodes.Status404NotFound, $"There is no tool set '{named}' (Lumina:ToolSets:{named}). The sets served here: {(sets.Names.Count == 0 ? "none" : string.Join(", ", sets.Names.Order(StringComparer.Ordinal)))}.").ConfigureAwait(false);
            return;
        }

        var bound = context.User.Identity?.IsAuthenticated == true ? context.User.FindFirst(LuminaClaims.ToolSet)?.Value : null;
        if (bound is null)
        {
            // An authenticated caller carries it as a claim; an anonymous one has no user in the MCP SDK, so Current.
            // A new principal rather than one more identity on this one: a token's principal is shared by its requests (ValidatedTokens).
            context.User = new ClaimsPrincipal([.. context.User.Identities, new ClaimsIdentity([new Claim(LuminaClaims.ToolSet, named)])]);
            context.Items[ItemKey] = named;
        }
        else if (!string.Equals(bound, named, StringComparison.OrdinalIgnoreCase))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, $"Forbidden: this identity is bound to the tool set '{bound}'; use /mcp or /mcp/{bound}.").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    /// <summary>The set of the current request's endpoint, for an anonymous caller.</summary>
    internal sealed class Current(IHttpContextAccessor accessor) : ILuminaEndpointToolSet
    {
        string? ILuminaEndpointToolSet.Current => accessor.HttpContext?.Items[ItemKey] as string;
    }

    private static async Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = JsonSerializer.Serialize(new { jsonrpc = "2.0", id = (string?)null, error = new { code = -32000, message } });
        await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
