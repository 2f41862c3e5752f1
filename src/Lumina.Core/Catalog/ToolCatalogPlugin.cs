using System.ComponentModel;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Search;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Catalog;

/// <summary>
/// Search mode's meta-tools (<c>Lumina:Catalog:Mode</c>): find tools by what a request says, read one's schema, and
/// call any tool the caller may use — so a catalog of hundreds of tools costs a client three definitions. Every result
/// comes from <see cref="ILuminaTools"/>: what a caller may not call is never found, described or called.
/// </summary>
[LuminaPlugin(PluginName, Description = "Finds and calls Lumina's tools when the catalog is served in search mode.")]
[LuminaRequires(LuminaPermission.Read)]
public sealed class ToolCatalogPlugin(ILuminaTools tools, IServiceProvider services)
{
    /// <summary>The plugin's name: its tools are tools_search, tools_describe and tools_call, and it never finds itself.</summary>
    public const string PluginName = "tools";

    private static readonly string[] s_self = [PluginName];
    private static readonly Lock s_gate = new();
    private static (string Key, ToolSearchIndex Index)? s_last;

    /// <summary>The best matching tools for a request.</summary>
    [KernelFunction("search")]
    [Description("Finds the tools that fit a request, best first, with the JSON schema of their arguments. Describe what you want to do in plain words (\"open an issue in the repository\", \"convert a time to another zone\"); then call a tool with tools_call (or directly by its name).")]
    [LuminaTool(Title = "Search tools", ReadOnly = true, Idempotent = true)]
    public async Task<ToolSearchResults> SearchAsync(
        [Description("What you want to do, in plain words.")] string query,
        [Description("How many tools to return, 1 to 20 (default 5).")] int limit = 5,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new LuminaRefusalException("query is empty: say what you want to do, such as \"read a file\".");
        }

        if (limit is < 1 or > 20)
        {
            throw new LuminaRefusalException($"limit must be between 1 and 20 (got {limit}).");
        }

        var visible = tools.List(s_self);
        var generator = services.GetService<IEmbeddingGenerator<string, Embedding<float>>>();
        var hits = await Index(visible).SearchAsync(query, limit, generator, cancellationToken).ConfigureAwait(false);
        return new ToolSearchResults(query, [.. hits.Select(h => new FoundTool(h.Tool.Name, h.Tool.Description, h.Tool.InputSchema, Math.Round(h.Score, 4)))], visible.Count);
    }

    /// <summary>One tool's description and schema.</summary>
    [KernelFunction("describe")]
    [Description("The description and the JSON schema of the arguments of one tool, by its name.")]
    [LuminaTool(Title = "Describe a tool", ReadOnly = true, Idempotent = true)]
    public FoundTool Describe([Description("The tool's name, as tools_search returned it.")] string name)
    {
        var tool = tools.List(s_self).FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal))
            ?? throw new LuminaRefusalException(LuminaRefusalKind.NotFound, $"There is no tool named '{name}' for you; tools_search finds the tools you may call.");
        return new FoundTool(tool.Name, tool.Description, tool.InputSchema);
    }

    /// <summary>Calls a tool through every filter, as the caller.</summary>
    [KernelFunction("call")]
    [Description("Calls a tool by its name with its arguments (a JSON object that fits the tool's schema) and returns its result. The tool runs with your permissions, as if called directly.")]
    [LuminaTool(Title = "Call a tool", OpenWorld = true)]
    public Task<JsonElement> CallAsync(
        [Description("The tool's name, as tools_search returned it.")] string name,
        [Description("The tool's arguments, a JSON object.")] JsonElement? arguments = null,
        CancellationToken cancellationToken = default) =>
        tools.CallAsync(name, arguments ?? EmptyObject(), s_self, cancellationToken);

    private static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }

    /// <summary>The index of this list of tools: the last one built is kept, as successive searches mostly see the same catalog.</summary>
    private static ToolSearchIndex Index(IReadOnlyList<LuminaToolInfo> visible)
    {
        var hash = new StringBuilder();
        foreach (var tool in visible)
        {
            hash.Append(tool.Name).Append('\u0001').Append(tool.Description).Append('\u0001').Append(tool.InputSchema.GetRawText()).Append('\u0002');
        }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(hash.ToString())));
        lock (s_gate)
        {
            if (s_last is { } last && last.Key == key)
            {
                return last.Index;
            }
        }

        var index = new ToolSearchIndex(visible);
        lock (s_gate)
        {
            s_last = (key, index);
        }

        return index;
    }
}
