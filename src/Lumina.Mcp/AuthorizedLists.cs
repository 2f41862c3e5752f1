using Lumina.Abstractions;
using Lumina.Core.Auth;
using Lumina.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
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
            await StartSourcesAsync(request, cancellationToken).ConfigureAwait(false);
            var result = await next(request, cancellationToken).ConfigureAwait(false);
            var (catalog, shown) = Check(request);
            result.Tools = [.. result.Tools.Where(t => !catalog.Tools.TryGetPrimitive(t.Name, out var tool) || tool is not KernelMcpTool k || shown(k.Function))];
            return result;
        });
        filters.AddListPromptsFilter(next => async (request, cancellationToken) =>
        {
            await StartSourcesAsync(request, cancellationToken).ConfigureAwait(false);
            var result = await next(request, cancellationToken).ConfigureAwait(false);
            var (catalog, shown) = Check(request);
            result.Prompts = [.. result.Prompts.Where(p => catalog.FindPrompt(p.Name) is not { } k || shown(k.Function))];
            return result;
        });
        filters.AddListResourcesFilter(next => async (request, cancellationToken) =>
        {
            await StartSourcesAsync(request, cancellationToken).ConfigureAwait(false);
            var result = await next(request, cancellationToken).ConfigureAwait(false);
            var (catalog, shown) = Check(request);
            result.Resources = [.. result.Resources.Where(r => catalog.FindResource(r.Uri) is not { } k || shown(k.Function))];
            return result;
        });
        filters.AddListResourceTemplatesFilter(next => async (request, cancellationToken) =>
        {
            await StartSourcesAsync(request, cancellationToken).ConfigureAwait(false);
            var result = await next(request, cancellationToken).ConfigureAwait(false);
            var (catalog, shown) = Check(request);
            result.ResourceTemplates = [.. result.ResourceTemplates.Where(r => catalog.FindResource(r.UriTemplate) is not { } k || shown(k.Function))];
            return result;
        });
    }

    /// <summary>Plugins that come when first needed (upstream servers, connected at the first list) come now.</summary>
    private static async ValueTask StartSourcesAsync<TParams>(RequestContext<TParams> request, CancellationToken cancellationToken)
    {
        foreach (var source in (request.Services ?? throw new InvalidOperationException("The MCP server has no services.")).GetServices<ILuminaPluginSource>())
        {
            await source.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Refuses a completion for <paramref name="function"/> when its caller may not use it; the authorizer records the
    /// refusal (as <see cref="LuminaAccess.Completion"/>).
    /// </summary>
    /// <returns>Whether the caller may use it.</returns>
    public static async ValueTask<bool> TryDemandCompletionAsync<TParams>(RequestContext<TParams> request, LuminaFunction function, string argument, CancellationToken cancellationToken)
    {
        try
        {
            await Demand(request, function, LuminaAccess.Completion, new KernelArguments { ["argument"] = argument }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (LuminaForbiddenException)
        {
            return false;
        }
    }

    /// <summary>
    /// Refuses a subscription to <paramref name="uri"/> unless it names a resource (or matches a template) the caller may
    /// read: an unknown URI with a clear error, a forbidden one in the words a refused call gets (and recorded as a
    /// refused <see cref="LuminaAccess.ResourceSubscribe"/>).
    /// </summary>
    /// <returns>The caller, whose subscription it is, and the resource's function.</returns>
    public static async ValueTask<(LuminaCaller Caller, LuminaFunction Resource)> DemandSubscriptionAsync<TParams>(RequestContext<TParams> request, string uri, CancellationToken cancellationToken)
    {
        var services = request.Services ?? throw new InvalidOperationException("The MCP server has no services.");
        if (services.GetRequiredService<LuminaMcpCatalog>().FindResource(uri) is not { } resource)
        {
            throw new ModelContextProtocol.McpProtocolException(
                $"No resource matches '{uri}': subscribe to a resource of resources/list, or to a URI that a template of resources/templates/list matches.",
                ModelContextProtocol.McpErrorCode.InvalidParams);
        }

        try
        {
            return (await Demand(request, resource.Function, LuminaAccess.ResourceSubscribe, new KernelArguments { ["uri"] = uri }, cancellationToken).ConfigureAwait(false), resource.Function);
        }
        catch (LuminaForbiddenException ex)
        {
            throw new ModelContextProtocol.McpProtocolException(ex.Message, ModelContextProtocol.McpErrorCode.InvalidRequest);
        }
    }

    private static async ValueTask<LuminaCaller> Demand<TParams>(RequestContext<TParams> request, LuminaFunction function, LuminaAccess access, KernelArguments arguments, CancellationToken cancellationToken)
    {
        var services = request.Services ?? throw new InvalidOperationException("The MCP server has no services.");
        var caller = services.GetRequiredService<ILuminaCallerResolver>().Resolve(request.JsonRpcRequest);
        await services.GetRequiredService<ILuminaAuthorizer>().DemandAsync(caller, function.Function, access, arguments, cancellationToken).ConfigureAwait(false);
        return caller;
    }

    private static (LuminaMcpCatalog Catalog, Func<LuminaFunction, bool> Shown) Check<TParams>(RequestContext<TParams> request)
    {
        var services = request.Services ?? throw new InvalidOperationException("The MCP server has no services.");
        LuminaCaller caller = services.GetRequiredService<ILuminaCallerResolver>().Resolve(request.JsonRpcRequest);
        var authorizer = services.GetRequiredService<ILuminaAuthorizer>();
        // A quarantined function (an upstream one whose description changed or reads like an instruction) is shown to nobody.
        return (services.GetRequiredService<LuminaMcpCatalog>(), f => authorizer.IsAllowed(caller, f.Function) && LuminaDescribed.Of(f.Function)?.Quarantined is null);
    }
}
