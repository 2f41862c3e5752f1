using Lumina.Abstractions;
using Lumina.Core.Tools;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Plugins;

/// <summary>A kernel function and what its plugin declared about how it is served.</summary>
public sealed class LuminaFunction
{
    internal LuminaFunction(string pluginName, KernelFunction function, PromptTemplateConfig? template)
    {
        PluginName = pluginName;
        Function = function;
        Template = template;
        var method = function.UnderlyingMethod;
        // A function made in code (an upstream server's tool, prompt or resource) says itself how it is served.
        var described = LuminaDescribed.Of(function);
        Tool = described is not null
            ? described.Tool
            : method?.GetCustomAttributes(typeof(LuminaToolAttribute), inherit: false).OfType<LuminaToolAttribute>().FirstOrDefault();
        Prompt = described is not null
            ? described.Prompt
            : method?.GetCustomAttributes(typeof(LuminaPromptAttribute), inherit: false).OfType<LuminaPromptAttribute>().FirstOrDefault();
        Resource = described is not null
            ? described.Resource
            : method?.GetCustomAttributes(typeof(LuminaResourceAttribute), inherit: false).OfType<LuminaResourceAttribute>().FirstOrDefault();
        Kind = template is not null ? LuminaFunctionKind.PromptTemplate
            : Resource is not null ? LuminaFunctionKind.Resource
            : Prompt is not null ? LuminaFunctionKind.Prompt
            : LuminaFunctionKind.Tool;
        Completions = method is null
            ? new Dictionary<string, IReadOnlyList<string>>()
            : method.GetParameters()
                .Select(p => (p.Name, Values: p.GetCustomAttributes(typeof(LuminaCompletionsAttribute), inherit: false).OfType<LuminaCompletionsAttribute>().FirstOrDefault()?.Values))
                .Where(p => p.Name is not null && p.Values is not null)
                .ToDictionary(p => p.Name!, p => p.Values!, StringComparer.Ordinal);
        Headers = method is null
            ? new Dictionary<string, string>()
            : method.GetParameters()
                .Select(p => (p.Name, Header: p.GetCustomAttributes(typeof(LuminaHeaderAttribute), inherit: false).OfType<LuminaHeaderAttribute>().FirstOrDefault()?.Name))
                .Where(p => p.Name is not null && p.Header is not null)
                .ToDictionary(p => p.Name!, p => p.Header!, StringComparer.Ordinal);
    }

    /// <summary>The plugin's name.</summary>
    public string PluginName { get; }

    /// <summary>The function.</summary>
    public KernelFunction Function { get; }

    /// <summary>How it is served.</summary>
    public LuminaFunctionKind Kind { get; }

    /// <summary>The prompt template's configuration, for <see cref="LuminaFunctionKind.PromptTemplate"/>.</summary>
    public PromptTemplateConfig? Template { get; }

    /// <summary>Tool settings declared with <see cref="LuminaToolAttribute"/>.</summary>
    public LuminaToolAttribute? Tool { get; }

    /// <summary>Prompt settings declared with <see cref="LuminaPromptAttribute"/>.</summary>
    public LuminaPromptAttribute? Prompt { get; }

    /// <summary>Resource settings declared with <see cref="LuminaResourceAttribute"/>.</summary>
    public LuminaResourceAttribute? Resource { get; }

    /// <summary>Completion values declared per parameter with <see cref="LuminaCompletionsAttribute"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Completions { get; }

    /// <summary>The HTTP headers parameters are mirrored into, declared with <see cref="LuminaHeaderAttribute"/>: header name by parameter.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The name it is served under as a tool: the declared one, or <c>plugin_function</c> (see <see cref="McpNames"/>).</summary>
    public string ToolName => Tool?.Name is { } declared ? McpNames.Declared(declared) : McpNames.For(PluginName, Function.Name);

    /// <summary>The function's description, never empty.</summary>
    public string Description =>
        string.IsNullOrWhiteSpace(Function.Description) ? $"{PluginName} {Function.Name}" : Function.Description;

    public override string ToString() => $"{PluginName}.{Function.Name}";
}
