using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Auth;
using Lumina.Core.Invocation;
using Lumina.Core.Plugins;
using ModelContextProtocol.Protocol;

namespace Lumina.Mcp;

/// <summary>
/// The catalog and tool calls for callers that are not MCP clients — the HTTP API and the console built on it: the same
/// MCP catalog, the same authorizer and the same invoker as <c>tools/list</c> and <c>tools/call</c>, so what the console
/// shows a user, and runs for them, is what an MCP client signed in as that user sees and runs.
/// </summary>
public sealed class LuminaCatalogView
{
    private readonly LuminaMcpCatalog _catalog;
    private readonly LuminaPluginRegistry _registry;
    private readonly ILuminaAuthorizer _authorizer;
    private readonly LuminaInvoker _invoker;
    private readonly IEnumerable<ILuminaPluginSource> _sources;

    internal LuminaCatalogView(LuminaMcpCatalog catalog, LuminaPluginRegistry registry, ILuminaAuthorizer authorizer, LuminaInvoker invoker, IEnumerable<ILuminaPluginSource> sources)
    {
        _catalog = catalog;
        _registry = registry;
        _authorizer = authorizer;
        _invoker = invoker;
        _sources = sources;
    }

    /// <summary>The tools, prompts, resources and resource templates <paramref name="caller"/> may use, in the catalog's order.</summary>
    public async Task<LuminaCatalogSnapshot> ForAsync(LuminaCaller caller, CancellationToken cancellationToken)
    {
        // Upstream servers connect when first listed, as they do for an MCP client's first list.
        foreach (var source in _sources)
        {
            await source.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        }

        bool Shown(LuminaFunction f) => _authorizer.IsAllowed(caller, f.Function) && LuminaDescribed.Of(f.Function)?.Quarantined is null;

        var sourceOf = _registry.Plugins.ToDictionary(p => p.Name, p => p.Source, StringComparer.OrdinalIgnoreCase);
        var tools = _catalog.Tools.OfType<KernelMcpTool>().Where(t => Shown(t.Function))
            .Select(t => new LuminaCatalogTool(t.ProtocolTool, KindOf(t.Function, sourceOf.GetValueOrDefault(t.Function.PluginName)))).ToList();
        var prompts = _catalog.Prompts.OfType<KernelMcpPrompt>().Where(p => Shown(p.Function)).Select(p => p.ProtocolPrompt).ToList();
        var resources = _catalog.Resources.OfType<KernelMcpResource>().Where(r => Shown(r.Function)).ToList();
        return new LuminaCatalogSnapshot(
            tools,
            prompts,
            [.. resources.Where(r => !r.IsTemplated).Select(r => r.ProtocolResource!)],
            [.. resources.Where(r => r.IsTemplated).Select(r => r.ProtocolResourceTemplate)]);
    }

    /// <summary>
    /// Calls the tool served as <paramref name="name"/> for <paramref name="context"/>'s caller through every filter, as
    /// <c>tools/call</c> would; <see langword="null"/> when no tool has that name.
    /// </summary>
    public async Task<LuminaToolCall?> CallAsync(ILuminaCallContext context, string name, IDictionary<string, JsonElement>? arguments, CancellationToken cancellationToken)
    {
        if (!_catalog.Tools.TryGetPrimitive(name, out var served) || served is not KernelMcpTool tool)
        {
            return null;
        }

        var outcome = await _invoker.InvokeAsync(context, tool.Function, LuminaAccess.ToolCall, arguments, cancellationToken).ConfigureAwait(false);
        return new LuminaToolCall(outcome, outcome is InvocationSucceeded { Result: var result } ? tool.Success(result) : null);
    }

    /// <summary>What serves a tool, from where its plugin came (<see cref="LuminaPlugin.Source"/>).</summary>
    private static string KindOf(LuminaFunction function, string? source) => function.Kind == LuminaFunctionKind.PromptTemplate ? "prompt" : source switch
    {
        LuminaPluginSources.Workflows => "workflow",
        not null when source.StartsWith(LuminaPluginSources.UpstreamPrefix, StringComparison.Ordinal) => "federated",
        _ => "tool",
    };
}

/// <summary>What one caller may use.</summary>
public sealed record LuminaCatalogSnapshot(
    IReadOnlyList<LuminaCatalogTool> Tools,
    IReadOnlyList<Prompt> Prompts,
    IReadOnlyList<Resource> Resources,
    IReadOnlyList<ResourceTemplate> ResourceTemplates);

/// <summary>A tool as <c>tools/list</c> describes it, and what serves it: <c>tool</c>, <c>prompt</c> (a prompt template run on a model), <c>workflow</c> or <c>federated</c> (an upstream server's).</summary>
public sealed record LuminaCatalogTool(Tool Tool, string Kind);

/// <summary>A tool call's outcome, and its MCP result when it succeeded.</summary>
public sealed record LuminaToolCall(InvocationOutcome Outcome, CallToolResult? Result);
