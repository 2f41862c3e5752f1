namespace Lumina.Core.Budgets;

/// <summary>A caller's spending against one budget in one period.</summary>
/// <param name="Budget">The budget's name.</param>
/// <param name="CallerId">The caller.</param>
/// <param name="PeriodStart">When the period began.</param>
/// <param name="PeriodEnd">When it ends; <see langword="null"/> for <c>total</c>.</param>
/// <param name="LimitMicros">The limit in millionths of the currency.</param>
public sealed record BudgetKey(string Budget, string CallerId, DateTimeOffset PeriodStart, DateTimeOffset? PeriodEnd, long LimitMicros);
