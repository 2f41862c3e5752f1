namespace Lumina.Abstractions;

/// <summary>A snapshot of what a Lumina host is and serves.</summary>
public sealed record LuminaHostDescription(
    string Name,
    string Version,
    string Runtime,
    string OperatingSystem,
    DateTimeOffset StartedAt,
    IReadOnlyList<LuminaPluginDescription> Plugins,
    IReadOnlyList<LuminaProviderDescription> Providers)
{
    /// <summary>The upstream MCP servers it serves through its kernel (none unless configured).</summary>
    public IReadOnlyList<LuminaServerDescription> Servers { get; init; } = [];
}
