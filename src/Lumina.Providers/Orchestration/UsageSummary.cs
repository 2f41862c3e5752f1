namespace Lumina.Providers.Orchestration;

/// <summary>Tokens and cost.</summary>
/// <param name="InputTokens">Input tokens.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="Estimated">Whether some counts were estimated because a provider reported none.</param>
/// <param name="Cost">Cost at the providers' prices.</param>
public sealed record UsageSummary(long InputTokens, long OutputTokens, bool Estimated, decimal Cost);
