namespace Lumina.Providers.Orchestration;

/// <summary>One provider's answer to <c>synthesize</c>.</summary>
public sealed record ProviderAnswer(string Provider, string? Model, string? Answer, string? Error);
