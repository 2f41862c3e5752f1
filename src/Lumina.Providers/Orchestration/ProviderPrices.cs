namespace Lumina.Providers.Orchestration;

/// <summary>A provider's prices per million tokens.</summary>
public sealed record ProviderPrices(decimal Input, decimal Output);
