using Lumina.Core.Budgets;

namespace Lumina.Providers.Budgets;

/// <summary>Money set aside for a call in flight.</summary>
public sealed record BudgetReservation(IReadOnlyList<BudgetKey> Keys, long Micros)
{
    /// <summary>No budget applies.</summary>
    public static BudgetReservation None { get; } = new([], 0);
}
