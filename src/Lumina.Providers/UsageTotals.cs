namespace Lumina.Providers;

/// <summary>Token and cost totals.</summary>
public sealed record UsageTotals(long Calls, long InputTokens, long OutputTokens, decimal Cost);
