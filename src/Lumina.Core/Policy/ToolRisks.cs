using System.Reflection;
using System.Runtime.CompilerServices;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Policy;

/// <summary>Reads a function's risk from its annotations, with configuration overrides.</summary>
public static class ToolRisks
{
    private static readonly ConditionalWeakTable<KernelFunction, StrongBox<ToolRisk>> s_declared = [];

    /// <summary>
    /// The risk <paramref name="function"/> declares: destructive when its <see cref="LuminaToolAttribute"/> says so,
    /// else read-only, else open-world, else mutating. A function without the attribute (a prompt template, a plugin
    /// that declares nothing) is mutating: confirmation is asked only for what its plugin declared destructive.
    /// </summary>
    public static ToolRisk Declared(KernelFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return s_declared.GetValue(function, f => new StrongBox<ToolRisk>(Derive(LuminaDescribed.Of(f) is { } described ? described.Tool : f.UnderlyingMethod?.GetCustomAttribute<LuminaToolAttribute>(inherit: false)))).Value;
    }

    /// <summary>The risk of <paramref name="function"/> under <paramref name="overrides"/> (<c>plugin.function</c>, then <c>plugin</c>).</summary>
    public static ToolRisk Of(KernelFunction function, IDictionary<string, string> overrides)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(overrides);
        if (FunctionOverrides.TryGet(overrides, function, out var text) && TryParse(text, out var configured))
        {
            return configured;
        }

        return Declared(function);
    }

    /// <summary>Parses <c>read-only</c>, <c>mutating</c>, <c>destructive</c> or <c>open-world</c> (hyphens and case optional).</summary>
    public static bool TryParse(string? text, out ToolRisk risk)
    {
        switch (text?.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
        {
            case "READONLY":
                risk = ToolRisk.ReadOnly;
                return true;
            case "MUTATING":
                risk = ToolRisk.Mutating;
                return true;
            case "DESTRUCTIVE":
                risk = ToolRisk.Destructive;
                return true;
            case "OPENWORLD":
                risk = ToolRisk.OpenWorld;
                return true;
            default:
                risk = default;
                return false;
        }
    }

    private static ToolRisk Derive(LuminaToolAttribute? tool) => tool switch
    {
        { Destructive: true } => ToolRisk.Destructive,
        { ReadOnly: true } => ToolRisk.ReadOnly,
        { OpenWorld: true } => ToolRisk.OpenWorld,
        _ => ToolRisk.Mutating,
    };
}
