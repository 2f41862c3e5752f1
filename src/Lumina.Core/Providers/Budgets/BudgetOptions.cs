namespace Lumina.Core.Providers.Budgets;

/// <summary>One spending limit, bound from <c>Lumina:Budgets:&lt;name&gt;</c>.</summary>
public sealed class BudgetOptions
{
    /// <summary>The most a caller may spend in one period, in the currency the providers' prices are in.</summary>
    public decimal Limit { get; set; }

    /// <summary><c>hour</c>, <c>day</c>, <c>week</c> (from Monday), <c>month</c> or <c>total</c>; periods start on UTC boundaries.</summary>
    /// <value>The default value is <c>day</c>.</value>
    public string Period { get; set; } = "day";

    /// <summary>
    /// The callers the budget applies to (ids; a user also by name), each counted on their own; empty or <c>*</c> for every caller.
    /// </summary>
    public List<string> Callers { get; set; } = [];

    internal static readonly string[] Periods = ["hour", "day", "week", "month", "total"];

    internal bool AppliesTo(string callerId) => Callers.Count == 0 || Callers.Contains("*") || Callers.Exists(c => Auth.CallerIds.Matches(callerId, c));

    /// <summary>The period that contains <paramref name="now"/>: its start (the key of the spending) and its end.</summary>
    internal (DateTimeOffset Start, DateTimeOffset? End) PeriodAt(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        var day = new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
        return Period.ToLowerInvariant() switch
        {
            "hour" => (day.AddHours(utc.Hour), day.AddHours(utc.Hour + 1)),
            "day" => (day, day.AddDays(1)),
            "week" => (day.AddDays(-(((int)utc.DayOfWeek + 6) % 7)), day.AddDays(-(((int)utc.DayOfWeek + 6) % 7) + 7)),
            "month" => (new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1)),
            _ => (DateTimeOffset.UnixEpoch, null),
        };
    }
}

/// <summary>A caller's spending against one budget in one period.</summary>
/// <param name="Budget">The budget's name.</param>
/// <param name="CallerId">The caller.</param>
/// <param name="PeriodStart">When the period began.</param>
/// <param name="PeriodEnd">When it ends; <see langword="null"/> for <c>total</c>.</param>
/// <param name="LimitMicros">The limit in millionths of the currency.</param>
public sealed record BudgetKey(string Budget, string CallerId, DateTimeOffset PeriodStart, DateTimeOffset? PeriodEnd, long LimitMicros);

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
