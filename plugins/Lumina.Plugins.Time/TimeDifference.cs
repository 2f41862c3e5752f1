namespace Lumina.Plugins.Time;

/// <summary>The time between two moments.</summary>
public sealed record TimeDifference(string Duration, double TotalDays, double TotalHours, double TotalMinutes, double TotalSeconds);
