using Lumina.Abstractions;
using Lumina.Core.Budgets;

namespace Lumina.Testing.Contracts;

/// <summary>The same budget rules on each store: atomic reservations, settling, periods.</summary>
public abstract class BudgetStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_day = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    protected IBudgetStore Store { get; set; } = null!;

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    [Fact]
    public async Task Reservations_StopAtTheLimit_AndNameTheKeyThatRefused()
    {
        var key = Key("daily", limitMicros: 100);

        (await Store.TryReserveAsync([key], 60)).Should().BeNull();
        var refused = await Store.TryReserveAsync([key], 60);

        refused.Should().NotBeNull();
        refused!.Value.Key.Budget.Should().Be("daily");
        refused.Value.SpentMicros.Should().Be(60);
        (await Store.GetSpentAsync(key)).Should().Be(60, "a refused reservation adds nothing");
    }

    [Fact]
    public async Task AReservationOverSeveralBudgets_IsAllOrNothing()
    {
        var roomy = Key("monthly", limitMicros: 1_000);
        var tight = Key("hourly", limitMicros: 50);

        var refused = await Store.TryReserveAsync([roomy, tight], 80);

        refused!.Value.Key.Budget.Should().Be("hourly");
        (await Store.GetSpentAsync(roomy)).Should().Be(0);
    }

    [Fact]
    public async Task ConcurrentReservations_NeverSpendPastTheLimit()
    {
        var key = Key("daily", limitMicros: 1_000);

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => Store.TryReserveAsync([key], 100))));

        results.Count(r => r is null).Should().Be(10);
        (await Store.GetSpentAsync(key)).Should().Be(1_000);
    }

    [Fact]
    public async Task Settling_AdjustsBothWays_AndPeriodsAndCallersAreApart()
    {
        var today = Key("daily", limitMicros: 1_000);
        var tomorrow = today with { PeriodStart = s_day.AddDays(1), PeriodEnd = s_day.AddDays(2) };
        var other = today with { CallerId = "bob" };

        await Store.TryReserveAsync([today], 100);
        await Store.AddAsync([today], 250);
        await Store.AddAsync([today], -50);

        (await Store.GetSpentAsync(today)).Should().Be(300);
        (await Store.GetSpentAsync(tomorrow)).Should().Be(0);
        (await Store.GetSpentAsync(other)).Should().Be(0);
    }

    private static BudgetKey Key(string budget, long limitMicros) => new(budget, "alice", s_day, s_day.AddDays(1), limitMicros);
}
