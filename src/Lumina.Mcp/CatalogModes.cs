using Lumina.Core.Catalog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lumina.Mcp;

/// <summary>
/// Search mode (<c>Lumina:Catalog:Mode</c>): tools/list shows the three meta-tools instead of the caller's tools —
/// always (<c>search</c>) or once they are more than <c>SearchThreshold</c> (<c>auto</c>) — and hides the meta-tools
/// otherwise. Every tool stays callable by its name; list_changed is sent as before.
/// </summary>
internal static class CatalogModes
{
    private static readonly HashSet<string> s_meta = new(StringComparer.Ordinal)
    {
        ToolCatalogPlugin.PluginName + "_search", ToolCatalogPlugin.PluginName + "_describe", ToolCatalogPlugin.PluginName + "_call",
    };

    public static void Add(IMcpRequestFilterBuilder filters) =>
        filters.AddListToolsFilter(next => async (request, cancellationToken) =>
        {
            var result = await next(request, cancellationToken).ConfigureAwait(false);
            var options = request.Services?.GetService<IOptions<CatalogOptions>>()?.Value;
            if (options is not { ServesSearch: true })
            {
                return result;
            }

            var visible = result.Tools.Count(t => !s_meta.Contains(t.Name));
            result.Tools = options.Searches(visible)
                ? [.. result.Tools.Where(t => s_meta.Contains(t.Name))]
                : [.. result.Tools.Where(t => !s_meta.Contains(t.Name))];
            return result;
        });
}
