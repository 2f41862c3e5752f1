using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Core.Auth;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>
/// Request filters that leave out of tools/list, prompts/list, resources/list and resources/templates/list what the
/// caller may not use, by asking the same <see cref="ILuminaAuthorizer"/> the kernel's authorization filter asks: what
/// a caller is shown and what a caller may call always agree.
/// </summary>
internal static class AuthorizedLists
{
    public static void Add(IMcpRequestFilterBuilder filters)
    {
        filters.AddListToolsFilter(next => async (request, cancellationToken) =>
        {
            var result = await next(request, cancellationToken).ConfigureAwait(false);
            var (catalog, allowed) = Check(request);
            result.Tools = [.. result.Tools.Where(t => !catalog.Tools.TryGetPrimitive(t.Name, out var tool) || tool is not KernelMcpTool k || allowed(k.Function))];
            return result;
        });
        filters.AddListPromptsFilter(next => async (request, cancellationToken) =>
        {
            var result = await next(request, cancellationToken).ConfigureAwait(false);
            var (catalog, allowed) = Check(request);
            result.Prompts = [.. result.Prompts.Where(p => catalog.FindPrompt(p.Name) is not { } k || allowed(k.Function))];
            return result;
        });
        filters.AddListResourcesFilter(next => async (request, cancellationToken) =>
        {
            var result = await next(request, cancellationToken).ConfigureAwait(false);
            var (catalog, allowed) = Check(request);
            result.Resources = [.. result.Resources.Where(r => catalog.FindResource(r.Uri) is not { } k || allowed(k.Function))];
            return result;
        });
        filters.AddListResourceTemplatesFilter(next => async (request, cancellationToken) =>
        {
            var result = await next(request, cancellationToken).ConfigureAwait(false);
            var (catalog, allowed) = Check(request);
            result.ResourceTemplates = [.. result.ResourceTemplates.Where(r => catalog.FindResource(r.UriTemplate) is not { } k || allowed(k.Function))];
            return result;
        });
    }

    /// <summary>Whether the caller of <paramref name="request"/> may use <paramref name="function"/>.</summary>
    public static bool IsAllowed<TParams>(RequestContext<TParams> request, LuminaFunction function)
    {
        var services = request.Services ?? throw new InvalidOperationException("The MCP server has no services.");
        var caller = services.GetRequiredService<ILuminaCallerResolver>().Resolve(request.Server, request.JsonRpcRequest);
        return services.GetRequiredService<ILuminaAuthorizer>().IsAllowed(caller, function.Function);
    }

    /// <summary>Refuses a subscription to a resource the caller may not read, in the words a refused call gets.</summary>
    public static void DemandResource<TParams>(RequestContext<TParams> request, string uri)
    {
        var services = request.Services ?? throw new InvalidOperationException("The MCP server has no services.");
        if (services.GetRequiredService<LuminaMcpCatalog>().FindResource(uri) is not { } resource)
        {
            return;
        }

        var caller = services.GetRequiredService<ILuminaCallerResolver>().Resolve(request.Server, request.JsonRpcRequest);
        try
        {
            services.GetRequiredService<ILuminaAuthorizer>().Demand(caller, resource.Function.Function);
        }
        catch (LuminaForbiddenException ex)
        {
            throw new ModelContextProtocol.McpProtocolException(ex.Message, ModelContextProtocol.McpErrorCode.InvalidRequest);
        }
    }

    private static (LuminaMcpCatalog Catalog, Func<LuminaFunction, bool> Allowed) Check<TParams>(RequestContext<TParams> request)
    {
        var services = request.Services ?? throw new InvalidOperationException("The MCP server has no services.");
        LuminaCaller caller = services.GetRequiredService<ILuminaCallerResolver>().Resolve(request.Server, request.JsonRpcRequest);
        var authorizer = services.GetRequiredService<ILuminaAuthorizer>();
        return (services.GetRequiredService<LuminaMcpCatalog>(), f => authorizer.IsAllowed(caller, f.Function));
    }
}
