namespace Lumina.Abstractions.Memory;

/// <summary>A per-user context value.</summary>
public sealed record ContextValue(string Key, string Value, DateTimeOffset UpdatedAt);
