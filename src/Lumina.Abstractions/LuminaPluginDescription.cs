namespace Lumina.Abstractions;

/// <summary>One plugin: its name, where it came from and its functions.</summary>
/// <param name="Source">Where it came from: <c>builtin</c>, <c>prompts</c>, <c>assembly:&lt;path&gt;</c>, …</param>
public sealed record LuminaPluginDescription(string Name, string? Description, string Source, IReadOnlyList<LuminaFunctionDescription> Functions);
