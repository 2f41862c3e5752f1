using System.Runtime.InteropServices;
using Lumina.Abstractions;
using Lumina.Core.Plugins;

namespace Lumina.Core;

/// <summary>Describes this host from the plugin registry and the configured providers.</summary>
internal sealed class LuminaHostInfo(IServiceProvider services, IEnumerable<LuminaProviderDescription> providers, TimeProvider time) : ILuminaHostInfo
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    public LuminaHostDescription Describe()
    {
        // Resolved on use: the registry creates the system plugin, which depends on this.
        var registry = (LuminaPluginRegistry)services.GetService(typeof(LuminaPluginRegistry))!;
        var plugins = registry.Plugins
            .Select(p => new LuminaPluginDescription(
                p.Name,
                p.Plugin.Description,
                p.Source,
                [.. p.Functions.Select(f => new LuminaFunctionDescription(f.Function.Name, f.Description, KindName(f.Kind)))]))
            .ToArray();
        return new LuminaHostDescription(
            "lumina",
            LuminaVersion.Value,
            RuntimeInformation.FrameworkDescription,
            RuntimeInformation.OSDescription,
            _startedAt,
            plugins,
            [.. providers])
        {
            Servers = [.. services.GetService(typeof(IEnumerable<ILuminaServerStatus>)) is IEnumerable<ILuminaServerStatus> sources ? sources.SelectMany(s => s.Describe()) : []],
        };
    }

    private static string KindName(LuminaFunctionKind kind) => kind switch
    {
        LuminaFunctionKind.PromptTemplate => "prompt",
        LuminaFunctionKind.Prompt => "prompt",
        LuminaFunctionKind.Resource => "resource",
        _ => "tool",
    };
}
