namespace Lumina.Providers;

/// <summary>A provider's health at one moment.</summary>
/// <param name="Circuit">The circuit breaker's state.</param>
/// <param name="OpenUntil">When an open circuit lets a trial request through.</param>
/// <param name="RateLimitedUntil">When a rate-limit cooldown ends.</param>
/// <param name="ConsecutiveFailures">Failures in a row that count against the provider.</param>
/// <param name="AverageLatencyMs">The average latency of the recent successful calls.</param>
/// <param name="Attempts">Calls attempted since the host started.</param>
/// <param name="Failures">Calls failed since the host started.</param>
/// <param name="LastError">The last failure described: its class, status and a short excerpt of the provider's words with credentials removed.</param>
/// <param name="LastErrorKind">The last failure's class.</param>
/// <param name="LastErrorStatus">The last failure's HTTP status, when there was one.</param>
/// <param name="LastErrorAt">When the last failure happened.</param>
public sealed record ProviderHealthSnapshot(
    CircuitState Circuit,
    DateTimeOffset? OpenUntil,
    DateTimeOffset? RateLimitedUntil,
    int ConsecutiveFailures,
    double? AverageLatencyMs,
    long Attempts,
    long Failures,
    string? LastError,
    ProviderErrorKind? LastErrorKind,
    int? LastErrorStatus,
    DateTimeOffset? LastErrorAt)
{
    /// <summary>The snapshot without the provider's words: the last failure's class and status only, for read-only callers.</summary>
    public ProviderHealthSnapshot WithoutErrorText() => this with { LastError = null };
}
