namespace Lumina.Abstractions;

/// <summary>A configured AI provider.</summary>
public sealed record LuminaProviderDescription(string Name, string Kind, string? Model);
