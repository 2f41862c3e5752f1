using Lumina.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.SemanticKernel;

namespace Lumina.Plugins.Time.Tests;

public sealed class TimePluginTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 12, 30, 0, TimeSpan.Zero);
    private readonly TimePlugin _plugin = new(new FakeTimeProvider(s_now));

    [Fact]
    public void Now_Default_IsUtc()
    {
        var now = _plugin.Now();

        now.DateTime.Should().Be("2026-11-23T12:30:00.000+00:00");
        now.TimeZone.Should().Be("UTC");
        now.DayOfWeek.Should().Be("Monday");
        now.UnixSeconds.Should().Be(s_now.ToUnixTimeSeconds());
    }

    [Fact]
    public void Now_InAZone_AppliesItsOffset() =>
        _plugin.Now("Asia/Tokyo").DateTime.Should().Be("2026-11-23T21:30:00.000+09:00");

    [Fact]
    public void Convert_BetweenZones_KeepsTheInstant()
    {
        var result = _plugin.Convert("2026-07-01T09:00:00", "Europe/Paris", "America/New_York");

        result.DateTime.Should().Be("2026-07-01T03:00:00.000-04:00");
        result.IsDaylightSavingTime.Should().BeTrue();
    }

    [Fact]
    public void Convert_ValueWithOffset_IgnoresFromZone() =>
        _plugin.Convert("2026-01-01T00:00:00Z", "Asia/Tokyo", "UTC").DateTime.Should().Be("2026-01-01T00:00:00.000+00:00");

    [Theory]
    [InlineData("2026-01-31", "P1M", "2026-02-28T00:00:00.000+00:00")]
    [InlineData("2026-11-23T10:00:00Z", "PT90M", "2026-11-23T11:30:00.000+00:00")]
    [InlineData("2026-11-23T10:00:00Z", "-P1DT2H", "2026-11-22T08:00:00.000+00:00")]
    [InlineData("2024-02-29", "P1Y", "2025-02-28T00:00:00.000+00:00")]
    [InlineData("2026-11-23", "P2W", "2026-12-07T00:00:00.000+00:00")]
    public void Add_Duration_DoesCalendarArithmetic(string start, string duration, string expected) =>
        _plugin.Add(start, duration).DateTime.Should().Be(expected);

    [Fact]
    public void Difference_BetweenTwoMoments_InSeveralUnits()
    {
        var difference = _plugin.Difference("2026-11-23T10:00:00Z", "2026-11-24T12:30:00Z");

        difference.TotalHours.Should().Be(26.5);
        difference.Duration.Should().Be("P1DT2H30M");
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("not a zone")]
    public void UnknownZone_IsAClearError(string zone) =>
        ((Action)(() => _plugin.Now(zone))).Should().Throw<LuminaException>().WithMessage("*IANA*Europe/Paris*");

    [Theory]
    [InlineData("P")]
    [InlineData("1 day")]
    [InlineData("PT")]
    public void BadDuration_IsAClearError(string duration) =>
        ((Action)(() => _plugin.Add("2026-01-01", duration))).Should().Throw<LuminaException>().WithMessage("*ISO-8601 duration*");

    [Fact]
    public void BadDate_IsAClearError() =>
        ((Action)(() => _plugin.Add("yesterday-ish", "P1D"))).Should().Throw<LuminaException>().WithMessage("*ISO-8601*");

    [Fact]
    public async Task Kernel_FunctionsHaveDescriptionsAndBindArguments()
    {
        var kernel = new Kernel();
        kernel.ImportPluginFromObject(_plugin, "time");

        var result = await kernel.InvokeAsync<TimeReading>("time", "now", new() { ["timeZone"] = "Europe/London" });

        kernel.Plugins["time"].Select(f => f.Name).Should().BeEquivalentTo(["now", "convert", "add", "difference"]);
        kernel.Plugins["time"].Should().OnlyContain(f => !string.IsNullOrWhiteSpace(f.Description) && f.Metadata.Parameters.All(p => !string.IsNullOrWhiteSpace(p.Description)));
        result!.TimeZone.Should().Be("Europe/London");
    }
}
