namespace Lumina.Plugins.Time;

/// <summary>A moment in a time zone.</summary>
/// <param name="DateTime">ISO-8601 with offset.</param>
/// <param name="TimeZone">The zone's id.</param>
/// <param name="DayOfWeek">The day of the week there.</param>
/// <param name="UnixSeconds">Seconds since 1970-01-01T00:00:00Z.</param>
/// <param name="IsDaylightSavingTime">Whether daylight saving time is in effect there.</param>
public sealed record TimeReading(string DateTime, string TimeZone, string DayOfWeek, long UnixSeconds, bool IsDaylightSavingTime);
