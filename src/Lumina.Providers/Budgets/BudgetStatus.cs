namespace Lumina.Providers.Budgets;

/// <summary>A caller's standing against one budget.</summary>
public sealed record BudgetStatus(string Budget, string Period, decimal Limit, decimal Spent, DateTimeOffset? ResetsAt);
