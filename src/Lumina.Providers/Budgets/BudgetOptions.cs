using Lumina.Core.Auth;

namespace Lumina.Providers.Budgets;

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

    internal bool AppliesTo(string callerId) => Callers.Count == 0 || Callers.Contains("*") || Callers.Exists(c => CallerIds.Matches(callerId, c));

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
