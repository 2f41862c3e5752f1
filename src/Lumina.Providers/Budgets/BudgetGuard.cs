using Lumina.Core.Budgets;
using System.Globalization;
using Lumina.Abstractions;

namespace Lumina.Providers.Budgets;

/// <summary>
/// Holds every routed call to the caller's budgets: before the call it reserves the estimated cost of the input
/// (refusing with the name of the budget that is spent), afterwards it settles the reservation to the real cost.
/// </summary>
public sealed class BudgetGuard(IReadOnlyDictionary<string, BudgetOptions> budgets, IBudgetStore store, TimeProvider time)
{
    /// <summary>The configured budgets by name.</summary>
    public IReadOnlyDictionary<string, BudgetOptions> Budgets { get; } = budgets;

    /// <summary>Reserves <paramref name="estimate"/> against every budget of the caller, or throws naming the one that is spent.</summary>
    public async Task<BudgetReservation> ReserveAsync(string callerId, decimal estimate, CancellationToken cancellationToken)
    {
        var keys = KeysFor(callerId);
        if (keys.Count == 0)
        {
            return BudgetReservation.None;
        }

        var micros = ToMicros(estimate);
        if (await store.TryReserveAsync(keys, micros, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            var (key, spent) = refused;
            var resets = key.PeriodEnd is { } end ? $"; it resets at {end.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC" : string.Empty;
            throw new LuminaLimitException(
                $"Budget '{key.Budget}' is spent for caller '{callerId}': {FromMicros(spent).ToString("0.######", CultureInfo.InvariantCulture)} of {FromMicros(key.LimitMicros).ToString("0.######", CultureInfo.InvariantCulture)} this {Budgets[key.Budget].Period}{resets}.")
            {
                Kind = LuminaRefusalKind.Budget,
                RetryAfter = key.PeriodEnd is { } reset ? reset - time.GetUtcNow() : null,
            };
        }

        return new BudgetReservation(keys, micros);
    }

    /// <summary>Turns a reservation into the call's real cost (0 when the call failed).</summary>
    public Task SettleAsync(BudgetReservation reservation, decimal actual, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        return reservation.Keys.Count == 0 ? Task.CompletedTask : store.AddAsync(reservation.Keys, ToMicros(actual) - reservation.Micros, cancellationToken);
    }

    /// <summary>What the caller has spent against each of their budgets in the current periods.</summary>
    public async Task<IReadOnlyList<BudgetStatus>> StatusAsync(string callerId, CancellationToken cancellationToken)
    {
        var statuses = new List<BudgetStatus>();
        foreach (var key in KeysFor(callerId))
        {
            var spent = await store.GetSpentAsync(key, cancellationToken).ConfigureAwait(false);
            statuses.Add(new(key.Budget, Budgets[key.Budget].Period, FromMicros(key.LimitMicros), FromMicros(spent), key.PeriodEnd));
        }

        return statuses;
    }

    internal static long ToMicros(decimal amount) => (long)decimal.Round(amount * 1_000_000m, MidpointRounding.AwayFromZero);

    internal static decimal FromMicros(long micros) => micros / 1_000_000m;

    private List<BudgetKey> KeysFor(string callerId)
    {
        var now = time.GetUtcNow();
        var keys = new List<BudgetKey>();
        foreach (var (name, budget) in Budgets)
        {
            if (budget.AppliesTo(callerId))
            {
                var (start, end) = budget.PeriodAt(now);
                keys.Add(new(name, callerId, start, end, ToMicros(budget.Limit)));
            }
        }

        return keys;
    }
}
