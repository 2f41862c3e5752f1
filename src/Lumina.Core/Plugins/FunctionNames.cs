using System.Reflection;
using System.Runtime.CompilerServices;
using Lumina.Abstractions;
using Lumina.Core.Tools;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Plugins;

/// <summary>
/// The names the filters give a kernel function — <see cref="Served"/> (the name a client calls it by) in the audit
/// ledger, refusal messages, spans and metrics; <c>plugin.function</c> in memory — made once per function, not on every call.
/// </summary>
internal static class FunctionNames
{
    private static readonly ConditionalWeakTable<KernelFunction, Names> s_names = [];

    /// <summary><c>plugin.function</c>: the function as memory names it.</summary>
    public static string Dotted(KernelFunction function) => Of(function).Dotted;

    /// <summary>
    /// The name a client calls the function by: the declared prompt name of a <c>[LuminaPrompt]</c>, the declared tool
    /// name of a <c>[LuminaTool(Name = ...)]</c>, otherwise <c>plugin_function</c> as <see cref="McpNames.For"/> makes it
    /// (a resource, read by its URI, is named that way too).
    /// </summary>
    public static string Served(KernelFunction function) => Of(function).Served;

    /// <summary>All of the function's names at once, for a caller that needs more than one (one lookup).</summary>
    public static Names Of(KernelFunction function) => s_names.GetValue(function, static f => new Names(f));

    /// <summary>The names of one function.</summary>
    internal sealed class Names
    {
        public Names(KernelFunction function)
        {
            Dotted = $"{function.PluginName}.{function.Name}";
            var method = function.UnderlyingMethod;
            var fallback = string.IsNullOrEmpty(function.PluginName) ? function.Name : McpNames.For(function.PluginName, function.Name);
            Served = LuminaDescribed.Of(function) is { } described ? described.Tool.Name ?? fallback
                : method?.GetCustomAttribute<LuminaResourceAttribute>(inherit: false) is not null ? fallback
                : method?.GetCustomAttribute<LuminaPromptAttribute>(inherit: false) is { } prompt ? prompt.Name ?? fallback
                : method?.GetCustomAttribute<LuminaToolAttribute>(inherit: false)?.Name ?? fallback;
            Span = "lumina.function " + Served;
        }

        public string Dotted { get; }

        public string Served { get; }

        /// <summary><c>lumina.function</c> and the served name: the name of the function's span.</summary>
        public string Span { get; }
    }
}
