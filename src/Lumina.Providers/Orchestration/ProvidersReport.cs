using Lumina.Providers.Budgets;

namespace Lumina.Providers.Orchestration;

/// <summary>The providers, the caller's usage since this host started, and the caller's budgets.</summary>
public sealed record ProvidersReport(string Strategy, IReadOnlyList<ProviderStatus> Providers, UsageTotals YourUsage, IReadOnlyList<BudgetStatus> YourBudgets);
