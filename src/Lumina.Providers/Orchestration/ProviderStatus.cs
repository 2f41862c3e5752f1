namespace Lumina.Providers.Orchestration;

/// <summary>One provider.</summary>
public sealed record ProviderStatus(
    string Name,
    string Kind,
    string? Model,
    int Priority,
    int Weight,
    ProviderCapabilities Capabilities,
    ProviderPrices PricePerMillionTokens,
    ProviderHealthSnapshot Health,
    UsageTotals Usage);
