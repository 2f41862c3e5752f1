using System.ComponentModel;
using System.Globalization;
using System.Xml;
using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Plugins.Time;

/// <summary>Clock and calendar arithmetic: the current time in a zone, conversions between zones, date arithmetic.</summary>
[LuminaRequires(LuminaPermission.Read)]
[LuminaPlugin("time", Description = "Current time, time-zone conversion and date arithmetic.")]
public sealed class TimePlugin(TimeProvider time)
{
    private const string Formats = "ISO-8601, e.g. 2026-11-23T14:30:00, 2026-11-23T14:30:00+01:00 or 2026-11-23";

    [KernelFunction("now"), Description("Returns the current date and time in a time zone (UTC by default).")]
    [LuminaTool(ReadOnly = true)]
    public TimeReading Now(
        [Description("An IANA time zone id such as Europe/Paris or America/New_York; UTC when omitted.")] string? timeZone = null)
    {
        var zone = FindZone(timeZone);
        return Reading(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone), zone);
    }

    [KernelFunction("convert"), Description("Converts a date and time from one time zone to another.")]
    [LuminaTool(ReadOnly = true, Idempotent = true)]
    public TimeReading Convert(
        [Description("The date and time to convert, " + Formats + ". Without an offset it is read in fromZone.")] string dateTime,
        [Description("The IANA time zone the date and time is in, e.g. Asia/Tokyo.")] string fromZone,
        [Description("The IANA time zone to convert to, e.g. Europe/London.")] string toZone)
    {
        var from = FindZone(fromZone);
        var to = FindZone(toZone);
        var instant = Parse(dateTime, from);
        return Reading(TimeZoneInfo.ConvertTime(instant, to), to);
    }

    [KernelFunction("add"), Description("Adds an ISO-8601 duration (P1DT2H, -PT30M, P2W) to a date and time.")]
    [LuminaTool(ReadOnly = true, Idempotent = true)]
    public TimeReading Add(
        [Description("The starting date and time, " + Formats + ".")] string dateTime,
        [Description("An ISO-8601 duration such as P1D, PT90M, P1Y2M, -P3D.")] string duration,
        [Description("The IANA time zone for the result and for a dateTime without offset; UTC when omitted.")] string? timeZone = null)
    {
        var zone = FindZone(timeZone);
        var start = Parse(dateTime, zone);
        var (years, months, span, negative) = ParseDuration(duration);
        var sign = negative ? -1 : 1;
        var result = start.AddYears(sign * years).AddMonths(sign * months).Add(negative ? span.Negate() : span);
        return Reading(TimeZoneInfo.ConvertTime(result, zone), zone);
    }

    [KernelFunction("difference"), Description("Returns the time between two dates and times (end minus start).")]
    [LuminaTool(ReadOnly = true, Idempotent = true)]
    public TimeDifference Difference(
        [Description("The start, " + Formats + ".")] string start,
        [Description("The end, " + Formats + ".")] string end,
        [Description("The IANA time zone for values without offset; UTC when omitted.")] string? timeZone = null)
    {
        var zone = FindZone(timeZone);
        var span = Parse(end, zone) - Parse(start, zone);
        return new TimeDifference(
            XmlConvert.ToString(span),
            span.TotalDays,
            span.TotalHours,
            span.TotalMinutes,
            span.TotalSeconds);
    }

    private static TimeReading Reading(DateTimeOffset value, TimeZoneInfo zone) => new(
        value.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
        zone.Id,
        value.DayOfWeek.ToString(),
        value.ToUnixTimeSeconds(),
        zone.IsDaylightSavingTime(value));

    private static TimeZoneInfo FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Equals("UTC", StringComparison.OrdinalIgnoreCase) || id.Equals("Z", StringComparison.Ordinal))
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"Unknown time zone '{id}'. Use an IANA time zone id such as Europe/Paris, America/New_York or UTC.", ex);
        }
    }

    private static DateTimeOffset Parse(string text, TimeZoneInfo zone)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"A date and time is required ({Formats}).");
        }

        text = text.Trim();
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var withOffset) && HasOffset(text))
        {
            return withOffset;
        }

        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
            return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
        }

        throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"'{text}' is not a date and time I can read. Use {Formats}.");
    }

    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || System.Text.RegularExpressions.Regex.IsMatch(text, @"[+-]\d{2}:?\d{2}$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(50));

    private static (int Years, int Months, TimeSpan Span, bool Negative) ParseDuration(string text)
    {
        var match = System.Text.RegularExpressions.Regex.Match(
            text?.Trim() ?? string.Empty,
            @"^(?<neg>-)?P(?:(?<y>\d+)Y)?(?:(?<mo>\d+)M)?(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?(?:T(?:(?<h>\d+)H)?(?:(?<mi>\d+)M)?(?:(?<s>\d+(?:\.\d+)?)S)?)?$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase,
            TimeSpan.FromMilliseconds(50));
        if (!match.Success || text!.Trim().TrimStart('-').Length <= 1 || text.Trim().EndsWith('T'))
        {
            throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"'{text}' is not an ISO-8601 duration. Examples: P1D (one day), PT90M (90 minutes), P1Y2M, P2W, -PT30M.");
        }

        int Int(string group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        var seconds = match.Groups["s"].Success ? double.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture) : 0;
        try
        {
            var rest = TimeSpan.FromDays((Int("w") * 7) + Int("d")) + TimeSpan.FromHours(Int("h")) + TimeSpan.FromMinutes(Int("mi")) + TimeSpan.FromSeconds(seconds);
            return (Int("y"), Int("mo"), rest, match.Groups["neg"].Success);
        }
        catch (OverflowException ex)
        {
            throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"The duration '{text}' is too large.", ex);
        }
    }
}
