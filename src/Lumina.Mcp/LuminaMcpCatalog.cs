using Lumina.Core.Plugins;
using Lumina.Core.Tools;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>
/// The MCP view of the plugin registry: tools, prompts and resources, kept in step with the registry. The MCP server
/// sends list-changed notifications to its clients when these collections change.
/// </summary>
internal sealed partial class LuminaMcpCatalog : IDisposable
{
    private readonly LuminaPluginRegistry _registry;
    private readonly KernelInvoker _invoker;
    private readonly OutputSchemaSnapshot _schemas;
    private readonly Lock _gate = new();
    private readonly ILogger _logger;

    public LuminaMcpCatalog(LuminaPluginRegistry registry, KernelInvoker invoker, OutputSchemaSnapshot schemas, IEnumerable<ILuminaStartupLoad> loads, ILogger<LuminaMcpCatalog> logger)
    {
        _registry = registry;
        _invoker = invoker;
        _schemas = schemas;
        _logger = logger;
        // Listening first: a plugin added on another thread meanwhile (an upstream server connecting, a workflow reload)
        // is never missed.
        _registry.Changed += OnRegistryChanged;

        // Loads beside the start (the workflow files) run while the plugins are created here, and add theirs through the
        // registry's change event. The catalog is served only after them, so a client connecting at start is never told
        // that the list it was just given has changed. A failed load has reported itself; what it added is served.
        var started = loads.Select(l => l.LoadAsync()).ToList();
        Sync();
        foreach (var load in started)
        {
            load.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
        }
    }

    public McpServerPrimitiveCollection<McpServerTool> Tools { get; } = new();

    public McpServerPrimitiveCollection<McpServerPrompt> Prompts { get; } = new();

    public McpServerResourceCollection Resources { get; } = new();

    public KernelMcpPrompt? FindPrompt(string name) =>
        Prompts.TryGetPrimitive(name, out var prompt) ? prompt as KernelMcpPrompt : null;

    public KernelMcpResource? FindResource(string uriOrTemplate) =>
        Resources.OfType<KernelMcpResource>().FirstOrDefault(r => r.ProtocolResourceTemplate.UriTemplate == uriOrTemplate)
        ?? Resources.OfType<KernelMcpResource>().FirstOrDefault(r => r.IsMatch(uriOrTemplate));

    public void Dispose() => _registry.Changed -= OnRegistryChanged;

    private void OnRegistryChanged(object? sender, EventArgs e) => Sync();

    private void Sync()
    {
        lock (_gate)
        {
            var functions = _registry.Plugins.SelectMany(p => p.Functions).ToList();
            Replace(Tools, functions.Where(f => f.Kind is LuminaFunctionKind.Tool or LuminaFunctionKind.PromptTemplate).Select(f => (McpServerTool)new KernelMcpTool(f, _invoker, _schemas)), t => t.ProtocolTool.Name, t => ((KernelMcpTool)t).Function, "tool");
            Replace(Prompts, functions.Where(f => f.Kind is LuminaFunctionKind.Prompt or LuminaFunctionKind.PromptTemplate).Select(f => (McpServerPrompt)new KernelMcpPrompt(f, _invoker)), p => p.ProtocolPrompt.Name, p => ((KernelMcpPrompt)p).Function, "prompt");
            Replace(Resources, functions.Where(f => f.Kind == LuminaFunctionKind.Resource).Select(f => (McpServerResource)new KernelMcpResource(f, _invoker)), r => r.ProtocolResourceTemplate.UriTemplate, r => ((KernelMcpResource)r).Function, "resource");
        }

        // Schemas built for this catalog are kept for the next start (a write only when one was built).
        _schemas.Save();
    }

    /// <summary>Replaces what changed only, under one change event, so a reload does not disturb unchanged primitives.</summary>
    private void Replace<T>(McpServerPrimitiveCollection<T> collection, IEnumerable<T> wanted, Func<T, string> key, Func<T, LuminaFunction> function, string kind)
        where T : IMcpServerPrimitive
    {
        var next = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in wanted)
        {
            if (!next.TryAdd(key(item), item))
            {
                // Two plugins serve one name (an upstream served without a prefix, say): the first keeps it.
                LogClash(kind, key(item), function(next[key(item)]).ToString(), function(item).ToString());
            }
        }

        using var deferral = collection.DeferChangedEvents();
        foreach (var existing in collection.ToArray())
        {
            if (!next.TryGetValue(key(existing), out var replacement) || !ReferenceEquals(function(replacement).Function, function(existing).Function))
            {
                collection.Remove(existing);
            }
            else
            {
                next.Remove(key(existing));
            }
        }

        foreach (var item in next.Values)
        {
            collection.TryAdd(item);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Two functions would be served as the {Kind} '{Name}': {Served} is, {Ignored} is not (rename one, or give its upstream server a Prefix)")]
    private partial void LogClash(string kind, string name, string served, string ignored);
}
