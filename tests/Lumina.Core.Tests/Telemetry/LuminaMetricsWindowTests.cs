using System.Diagnostics.Metrics;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Lumina.Core.Tests.Telemetry;

/// <summary>The console's numbers, read from the instruments OpenTelemetry exports: per minute, totals, quantiles.</summary>
public sealed class LuminaMetricsWindowTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 10, 0, 30, TimeSpan.Zero));
    private readonly LuminaTelemetry _telemetry;
    private readonly LuminaMetricsWindow _window;

    public LuminaMetricsWindowTests()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        _telemetry = new LuminaTelemetry(meters);
        _window = new LuminaMetricsWindow(meters, _time);
    }

    public void Dispose()
    {
        _window.Dispose();
        _telemetry.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Quantiles_AreWithinABucketOfTheTruth()
    {
        Calls(98, seconds: 0.001);
        Calls(2, seconds: 1.0);

        var totals = _window.Snapshot().Totals;

        totals.Calls.Should().Be(100);
        totals.P50Ms.Should().BeInRange(1.0, 1.2, "four buckets per doubling: the bound is at most 19% above");
        totals.P99Ms.Should().BeInRange(1000, 1200);
    }

    [Fact]
    public void Series_IsTheLastHourByMinute_OldestFirst_AndTotalsOutliveIt()
    {
        Calls(3, seconds: 0.01);
        _telemetry.FunctionErrors.Add(1, new KeyValuePair<string, object?>("error.type", "failed"));
        _time.Advance(TimeSpan.FromMinutes(2));
        Calls(1, seconds: 0.01);

        var now = _window.Snapshot();
        now.Series.Should().HaveCount(LuminaMetricsWindow.Minutes);
        now.Series[^1].Calls.Should().Be(1);
        now.Series[^1].At.Should().Be(new DateTimeOffset(2026, 12, 6, 10, 2, 0, TimeSpan.Zero));
        now.Series[^2].Calls.Should().Be(0);
        now.Series[^3].Calls.Should().Be(3);
        now.Series[^3].Errors.Should().Be(1);

        _time.Advance(TimeSpan.FromMinutes(LuminaMetricsWindow.Minutes));
        var later = _window.Snapshot();
        later.Series.Sum(m => m.Calls).Should().Be(0, "an hour on, the minutes have gone");
        later.Totals.Calls.Should().Be(4);
        later.Totals.Errors.Should().Be(1);
    }

    [Fact]
    public void TokensAndCost_AreCounted_InputAndOutputApart()
    {
        var provider = new KeyValuePair<string, object?>("lumina.provider", "main");
        _telemetry.Tokens.Add(120, provider, new("gen_ai.token.type", "input"));
        _telemetry.Tokens.Add(30, provider, new("gen_ai.token.type", "output"));
        _telemetry.Cost.Add(0.25, provider);

        var totals = _window.Snapshot().Totals;

        totals.InputTokens.Should().Be(120);
        totals.OutputTokens.Should().Be(30);
        totals.Cost.Should().Be(0.25);
    }

    [Fact]
    public void AnotherHostsMeter_InTheSameProcess_IsNotCounted()
    {
        using var other = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var otherTelemetry = new LuminaTelemetry(other.GetRequiredService<IMeterFactory>());

        otherTelemetry.FunctionDuration.Record(0.5);
        Calls(1, seconds: 0.5);

        _window.Snapshot().Totals.Calls.Should().Be(1);
    }

    private void Calls(int count, double seconds)
    {
        for (var i = 0; i < count; i++)
        {
            _telemetry.FunctionDuration.Record(seconds, new KeyValuePair<string, object?>("lumina.outcome", "ok"));
        }
    }
}
