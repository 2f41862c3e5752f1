using System.Text.Json;
using Lumina.Core.ToolSets;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>
/// What a tool set shows differently: its <c>Rename</c> and <c>Describe</c> overrides, applied to tools/list for callers
/// in the set, and a renamed tool's shown name mapped back to its served name on tools/call. Which tools a set holds is
/// the authorizer's business (lists and calls agree through it); this only changes how they look.
/// </summary>
internal static class ToolSetPresentation
{
    public static void Add(IMcpRequestFilterBuilder filters)
    {
        filters.AddListToolsFilter(next => async (request, cancellationToken) =>
        {
            var result = await next(request, cancellationToken).ConfigureAwait(false);
            if (Set(request) is ({ } set, { } sets))
            {
                result.Tools = [.. result.Tools.Select(t => Present(t, set, sets))];
            }

            return result;
        });
        filters.AddCallToolFilter(next => (request, cancellationToken) =>
        {
            if (request.Params is { } call && Set(request) is ({ } set, { } sets) && sets.ServedName(set, call.Name) is var served && served != call.Name)
            {
                // The SDK matched the tool by the name the client sent, before the filters: match the served one.
                call.Name = served;
                if (request.Services?.GetService<LuminaMcpCatalog>()?.Tools.TryGetPrimitive(served, out var tool) == true)
                {
                    request.MatchedPrimitive = tool;
                }
            }

            return next(request, cancellationToken);
        });
    }

    private static (string? Set, LuminaToolSets? Sets) Set<TParams>(RequestContext<TParams> request)
    {
        var services = request.Services ?? throw new InvalidOperationException("The MCP server has no services.");
        var set = services.GetRequiredService<ILuminaCallerResolver>().Resolve(request.JsonRpcRequest).ToolSet;
        return set is null ? (null, null) : (set, services.GetService<LuminaToolSets>());
    }

    private static Tool Present(Tool tool, string set, LuminaToolSets sets)
    {
        var name = sets.ShownName(set, tool.Name);
        var description = sets.Description(set, tool.Name);
        if (name == tool.Name && description is null)
        {
            return tool;
        }

        // A copy through JSON, so every field of the tool (schemas, annotations, icons, _meta) is kept as it was.
        var node = JsonSerializer.SerializeToNode(tool, McpJsonUtilities.DefaultOptions)!.AsObject();
        node["name"] = name;
        if (description is not null)
        {
            node["description"] = description;
        }

        return node.Deserialize<Tool>(McpJsonUtilities.DefaultOptions)!;
    }
}
