using System.Runtime.CompilerServices;
using Microsoft.SemanticKernel;

namespace Lumina.Core;

/// <summary>
/// The names the filters give a kernel function — <c>plugin.function</c> in telemetry and memory, <c>plugin_function</c>
/// (the tool's name) in the audit ledger and the policy guard's messages — made once per function, not on every call.
/// </summary>
internal static class FunctionNames
{
    private static readonly ConditionalWeakTable<KernelFunction, Names> s_names = [];

    /// <summary><c>plugin.function</c>: the function as telemetry and memory name it.</summary>
    public static string Dotted(KernelFunction function) => Of(function).Dotted;

    /// <summary><c>plugin_function</c> (the function's own name without a plugin): the served tool's name.</summary>
    public static string Underscored(KernelFunction function) => Of(function).Underscored;

    /// <summary>All of the function's names at once, for a caller that needs more than one (one lookup).</summary>
    public static Names Of(KernelFunction function) => s_names.GetValue(function, static f => new Names(f));

    /// <summary>The names of one function.</summary>
    internal sealed class Names
    {
        public Names(KernelFunction function)
        {
            Dotted = $"{function.PluginName}.{function.Name}";
            Underscored = string.IsNullOrEmpty(function.PluginName) ? function.Name : $"{function.PluginName}_{function.Name}";
            Span = "lumina.function " + Dotted;
        }

        public string Dotted { get; }

        public string Underscored { get; }

        /// <summary><c>lumina.function plugin.function</c>: the name of the function's span.</summary>
        public string Span { get; }
    }
}
