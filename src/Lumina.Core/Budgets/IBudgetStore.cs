namespace Lumina.Core.Budgets;

/// <summary>Where spending is counted: atomically, so two hosts (or two calls) cannot both spend the last of a budget.</summary>
public interface IBudgetStore
{
    /// <summary>
    /// Adds <paramref name="micros"/> to every key if none would go past its limit (a key already at its limit also
    /// refuses); otherwise adds nothing.
    /// </summary>
    /// <returns><see langword="null"/> when reserved; otherwise the key that refused and what it had spent.</returns>
    Task<(BudgetKey Key, long SpentMicros)?> TryReserveAsync(IReadOnlyList<BudgetKey> keys, long micros, CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="micros"/> (which may be negative) to every key, limits aside: the settling of a reservation.</summary>
    Task AddAsync(IReadOnlyList<BudgetKey> keys, long micros, CancellationToken cancellationToken = default);

    /// <summary>What has been spent against a key.</summary>
    Task<long> GetSpentAsync(BudgetKey key, CancellationToken cancellationToken = default);
}
