using Microsoft.SemanticKernel;

namespace Lumina.Core.Plugins;

/// <summary>A plugin loaded into Lumina: the kernel plugin, where it came from and its functions.</summary>
public sealed class LuminaPlugin
{
    internal LuminaPlugin(KernelPlugin plugin, string source, IReadOnlyDictionary<string, PromptTemplateConfig>? templates = null, IDisposable? owner = null)
    {
        Plugin = plugin;
        Source = source;
        Owner = owner;
        Functions = [.. plugin.Select(f => new LuminaFunction(plugin.Name, f, templates?.GetValueOrDefault(f.Name)))];
    }

    /// <summary>The plugin's name.</summary>
    public string Name => Plugin.Name;

    /// <summary>The kernel plugin.</summary>
    public KernelPlugin Plugin { get; }

    /// <summary>Where it came from: <c>builtin</c>, <c>code</c>, <c>prompts:&lt;folder&gt;</c>, <c>assembly:&lt;path&gt;</c>, and those of <see cref="LuminaPluginSources"/>.</summary>
    public string Source { get; }

    /// <summary>Its functions and how each is served.</summary>
    public IReadOnlyList<LuminaFunction> Functions { get; }

    /// <summary>What to dispose when the plugin is removed (its AssemblyLoadContext).</summary>
    internal IDisposable? Owner { get; }
}
