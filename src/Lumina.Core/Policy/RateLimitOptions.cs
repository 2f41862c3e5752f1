namespace Lumina.Core.Policy;

/// <summary>Settings of <c>Lumina:Policy:RateLimit</c>: a token bucket per caller.</summary>
public sealed class RateLimitOptions
{
    /// <summary>How many calls a caller may make a minute, on average; 0 turns rate limiting off.</summary>
    /// <value>The default value is 600.</value>
    public int PermitsPerMinute { get; set; } = 600;

    /// <summary>How many calls a caller may make at once, after a quiet spell (the bucket's size).</summary>
    /// <value>The default value is 60.</value>
    public int Burst { get; set; } = 60;

    internal bool Enabled => PermitsPerMinute > 0;
}
