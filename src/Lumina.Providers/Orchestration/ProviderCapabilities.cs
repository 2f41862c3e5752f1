namespace Lumina.Providers.Orchestration;

/// <summary>What a provider's model can do.</summary>
public sealed record ProviderCapabilities(bool Tools, bool Vision, bool Json, int? ContextWindow);
