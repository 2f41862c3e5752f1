using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Federation;

/// <summary>
/// What the server serves here: its tools (pinned and screened), prompts and resources as the kernel plugin of its name,
/// listed again when it says they changed, and the approvals that lift a quarantine.
/// </summary>
internal sealed partial class UpstreamServer
{
    /// <summary>Lists the server's tools and serves them as its plugin (again, when they change).</summary>
    private async Task ServeAsync(McpClient client, CancellationToken cancellationToken)
    {
        var tools = new List<Tool>();
        string? cursor = null;
        do
        {
            var page = await client.ListToolsAsync(new ListToolsRequestParams { Cursor = cursor }, cancellationToken).ConfigureAwait(false);
            tools.AddRange(page.Tools);
            cursor = page.NextCursor;
        }
        while (cursor is not null && tools.Count < 10_000);

        var plugin = UpstreamNames.Plugin(Name);
        var functions = new List<(KernelFunction Function, UpstreamTool Described)>();
        foreach (var tool in tools)
        {
            var permission = Options.Permission ?? (tool.Annotations?.ReadOnlyHint == true ? LuminaPermission.Read : LuminaPermission.Write);
            var made = UpstreamTool.Create(this, tool, permission, RunsTasks(client));
            if (functions.FirstOrDefault(f => f.Described.FunctionName == made.Described.FunctionName || f.Described.Tool.Name == made.Described.Tool.Name) is { Described: { } taken })
            {
                throw new LuminaException(
                    $"Its tools '{taken.UpstreamName}' and '{tool.Name}' would both be served as '{made.Described.Tool.Name}' (kernel function {plugin}.{made.Described.FunctionName}): the server must rename one.");
            }

            functions.Add(made);
        }

        await _pins.CheckAsync([.. functions.Select(f => f.Described)], cancellationToken).ConfigureAwait(false);
        var others = await OthersAsync(client, cancellationToken).ConfigureAwait(false);
        if (others.Select(o => o.Function.Name).Intersect(functions.Select(f => f.Function.Name), StringComparer.OrdinalIgnoreCase).FirstOrDefault() is { } clash)
        {
            throw new LuminaException($"Its tool served as the kernel function {plugin}.{clash} has the name its prompts or resources are served under: the server must rename it.");
        }

        // In one step: a call made while the server reconnects finds its tools, old or new, never none.
        if (!_registry.Replace(LuminaPluginFactory.FromFunctions(plugin, $"Tools, prompts and resources of the MCP server '{Name}'.", [.. functions.Select(f => f.Function), .. others.Select(o => o.Function)], Source)))
        {
            throw new LuminaException($"A plugin named '{plugin}' is already served (or Lumina:Plugins:Disabled names it): rename the server in Lumina:Servers.");
        }

        _toolCount = functions.Count;
        _promptCount = others.Count(o => o.Described is UpstreamPrompt);
        _resourceCount = others.Count(o => o.Described is UpstreamResource);
        _served = [.. functions.Select(f => f.Described)];
    }

    /// <summary>
    /// The server's prompts, resources and resource templates (those it has), as kernel functions. A prompt whose
    /// description reads like an instruction to the model is quarantined like a tool (but for <c>Pinning=off</c>).
    /// </summary>
    private async Task<List<(KernelFunction Function, ILuminaDescribedFunction Described)>> OthersAsync(McpClient client, CancellationToken cancellationToken)
    {
        var others = new List<(KernelFunction, ILuminaDescribedFunction)>();
        if (client.ServerCapabilities.Prompts is not null)
        {
            string? cursor = null;
            do
            {
                var page = await client.ListPromptsAsync(new ListPromptsRequestParams { Cursor = cursor }, cancellationToken).ConfigureAwait(false);
                foreach (var prompt in page.Prompts)
                {
                    var (function, described) = UpstreamPrompt.Create(this, prompt);
                    if (Options.Pinning != UpstreamPinning.Off && Screening.DescriptionScreen.ScanPrompt(described.Descriptor) is [var hit, ..])
                    {
                        LogPromptPoisoned(Name, prompt.Name, hit.RuleId, hit.Field);
                        described.Quarantined = Options.Pinning == UpstreamPinning.Strict
                            ? $"The prompt '{described.Prompt.Name}' of the MCP server '{Name}' is quarantined: {hit.Reason} (in {hit.Field}: \"{hit.Excerpt}\"). To serve it anyway, set Lumina:Servers:{Name}:Pinning=warn."
                            : null;
                    }

                    others.Add((function, described));
                }

                cursor = page.NextCursor;
            }
            while (cursor is not null && others.Count < 10_000);
        }

        if (client.ServerCapabilities.Resources is not null)
        {
            string? cursor = null;
            do
            {
                var page = await client.ListResourcesAsync(new ListResourcesRequestParams { Cursor = cursor }, cancellationToken).ConfigureAwait(false);
                others.AddRange(page.Resources.Select(r => { var (f, d) = UpstreamResource.Create(this, r); return (f, (ILuminaDescribedFunction)d); }));
                cursor = page.NextCursor;
            }
            while (cursor is not null && others.Count < 10_000);

            do
            {
                var page = await client.ListResourceTemplatesAsync(new ListResourceTemplatesRequestParams { Cursor = cursor }, cancellationToken).ConfigureAwait(false);
                others.AddRange(page.ResourceTemplates.Select(t => { var (f, d) = UpstreamResource.Create(this, t); return (f, (ILuminaDescribedFunction)d); }));
                cursor = page.NextCursor;
            }
            while (cursor is not null && others.Count < 10_000);
        }

        // Two resources of one URI (a server listing it twice) are served once.
        return [.. others.DistinctBy(o => o.Item1.Name, StringComparer.Ordinal)];
    }

    /// <summary>The tools it serves (after a connection), each with its pin state.</summary>
    public IReadOnlyList<UpstreamTool> Served => _served;

    /// <summary>Pins the current descriptor of <paramref name="tool"/> (or of every tool), approved by <paramref name="approvedBy"/>; quarantines lift.</summary>
    /// <returns>The tools approved.</returns>
    /// <exception cref="LuminaException">The server has no such tool, or it cannot be connected.</exception>
    public async Task<IReadOnlyList<UpstreamTool>> ApproveAsync(string? tool, string approvedBy, CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var chosen = tool is null ? _served : [.. _served.Where(t => t.UpstreamName == tool || t.Tool.Name == tool)];
        if (chosen.Count == 0)
        {
            throw new LuminaException($"The MCP server '{Name}' has no tool '{tool}'. Its tools: {string.Join(", ", _served.Select(t => t.UpstreamName))}.");
        }

        foreach (var each in chosen)
        {
            await _pins.ApproveAsync(each, approvedBy, cancellationToken).ConfigureAwait(false);
        }

        return chosen;
    }

    /// <summary>Every pin of this server in the store.</summary>
    public Task<IReadOnlyList<Core.Federation.ToolPin>> PinsAsync(CancellationToken cancellationToken) => _pins.ListAsync(cancellationToken);

    /// <summary>Whether the quarantined <paramref name="tool"/> has been approved since (then it is served again).</summary>
    public Task<bool> ApprovedSinceAsync(UpstreamTool tool, CancellationToken cancellationToken) => _pins.ApprovedSinceAsync(tool, cancellationToken);

    /// <summary>Lifts the quarantine of every tool approved since (asked before a list, so an approval shows at once).</summary>
    public async Task RecheckAsync(CancellationToken cancellationToken)
    {
        foreach (var tool in _served.Where(t => t.Quarantined is not null))
        {
            await _pins.ApprovedSinceAsync(tool, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The server said its tools, prompts or resources changed: list and serve them again.</summary>
    private async Task RefreshAsync()
    {
        try
        {
            if (_client is { } client && !_stopping && _callerId is null)
            {
                using var timeout = new CancellationTokenSource(Options.Timeout);
                await ServeAsync(client, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is LuminaException or McpException or OperationCanceledException or IOException)
        {
            LogRefreshFailed(ex, Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server} changed its tools, and they could not be listed again")]
    private partial void LogRefreshFailed(Exception exception, string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server}: its prompt {Prompt} reads like an instruction to the model ({Rule} in {Field})")]
    private partial void LogPromptPoisoned(string server, string prompt, string rule, string field);
}
