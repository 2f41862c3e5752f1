namespace Lumina.Abstractions;

/// <summary>Describes the running host: what it is and what it serves.</summary>
public interface ILuminaHostInfo
{
    /// <summary>A snapshot of the host's description.</summary>
    LuminaHostDescription Describe();
}

/// <summary>A snapshot of what a Lumina host is and serves.</summary>
public sealed record LuminaHostDescription(
    string Name,
    string Version,
    string Runtime,
    string OperatingSystem,
    DateTimeOffset StartedAt,
    IReadOnlyList<LuminaPluginDescription> Plugins,
    IReadOnlyList<LuminaProviderDescription> Providers);

/// <summary>One plugin: its name, where it came from and its functions.</summary>
/// <param name="Source">Where it came from: <c>builtin</c>, <c>prompts</c>, <c>assembly:&lt;path&gt;</c>, …</param>
public sealed record LuminaPluginDescription(string Name, string? Description, string Source, IReadOnlyList<LuminaFunctionDescription> Functions);

/// <summary>One function of a plugin and how it is served.</summary>
/// <param name="Kind"><c>tool</c>, <c>prompt</c> (a prompt template, served as a prompt and a tool) or <c>resource</c>.</param>
public sealed record LuminaFunctionDescription(string Name, string Description, string Kind);

/// <summary>A configured AI provider.</summary>
public sealed record LuminaProviderDescription(string Name, string Kind, string? Model);
