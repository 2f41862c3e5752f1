using Microsoft.SemanticKernel;

namespace Lumina.Core.Plugins;

/// <summary>Per-function settings from configuration: <c>plugin.function</c> wins over <c>plugin</c>.</summary>
internal static class FunctionOverrides
{
    /// <summary>The configured value for <paramref name="function"/>, when there is one.</summary>
    public static bool TryGet(IDictionary<string, string> overrides, KernelFunction function, out string value)
    {
        value = string.Empty;
        if (overrides.Count == 0 || function.PluginName is not { } plugin)
        {
            return false;
        }

        if (overrides.TryGetValue($"{plugin}.{function.Name}", out var text) || overrides.TryGetValue(plugin, out text))
        {
            value = text;
            return true;
        }

        return false;
    }
}
