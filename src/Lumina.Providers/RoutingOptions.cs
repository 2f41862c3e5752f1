using System.ComponentModel.DataAnnotations;

namespace Lumina.Providers;

/// <summary>How the router picks a provider and what it does when one fails, bound from <c>Lumina:Routing</c>.</summary>
public sealed class RoutingOptions
{
    public const string SectionName = "Lumina:Routing";

    /// <summary>
    /// <c>priority</c> (lowest <see cref="ProviderOptions.Priority"/> first), <c>cheapest</c> (lowest estimated cost of
    /// the request), <c>latency</c> (fastest over the recent window) or <c>round-robin</c> (weighted by
    /// <see cref="ProviderOptions.Weight"/>). Whatever picks the first provider, the others stay behind it as fallbacks.
    /// </summary>
    /// <value>The default value is <c>priority</c>.</value>
    public string Strategy { get; set; } = "priority";

    /// <summary>
    /// Retries on the same provider per error class before the router moves on: <c>ServerError</c> (5xx),
    /// <c>Timeout</c>, <c>BadResponse</c> (a body that cannot be read), <c>Unreachable</c>. A rate limit never retries
    /// in place: the provider cools down for its Retry-After and the next one is tried.
    /// </summary>
    public Dictionary<ProviderErrorKind, int> Retries { get; set; } = new()
    {
        [ProviderErrorKind.ServerError] = 1,
        [ProviderErrorKind.Timeout] = 0,
        [ProviderErrorKind.BadResponse] = 1,
        [ProviderErrorKind.Unreachable] = 0,
    };

    /// <summary>The first retry's delay; each further one doubles it, with jitter (Polly's exponential backoff).</summary>
    /// <value>The default value is 200 milliseconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two retries.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When every provider is cooling down after a rate limit, the router waits for the first to come back if that is
    /// at most this long away; otherwise it answers with the error at once.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan MaxRetryAfterWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a provider rests after a 429 that gave no Retry-After.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan RateLimitCooldown { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Consecutive failures (5xx, timeouts, unreadable bodies, refused connections) that open a provider's circuit;
    /// any other outcome (a success, a rate limit, a refusal) starts the count again. At least 2: Polly's breaker
    /// decides on two calls at least.
    /// </summary>
    /// <value>The default value is 3.</value>
    [Range(2, 1000)]
    public int FailureThreshold { get; set; } = 3;

    /// <summary>How long an open circuit keeps a provider out before one trial request is let through.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many recent successful calls the <c>latency</c> strategy averages over.</summary>
    /// <value>The default value is 20.</value>
    [Range(1, 10_000)]
    public int LatencyWindow { get; set; } = 20;

    internal static readonly string[] Strategies = ["priority", "cheapest", "latency", "round-robin"];
}
