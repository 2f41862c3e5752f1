namespace Lumina.Workflows;

/// <summary>How a failed step is retried.</summary>
/// <param name="Attempts">How many attempts in all, 1 to 10 (1 means no retry).</param>
/// <param name="Backoff">The delays between attempts.</param>
/// <param name="On">Which failures are retried.</param>
/// <param name="Line">The source line of <c>retry</c>.</param>
public sealed record WorkflowRetry(int Attempts, WorkflowBackoff Backoff, IReadOnlySet<WorkflowErrorKind> On, int Line)
{
    /// <summary>The most attempts a step may have.</summary>
    public const int MaxAttempts = 10;
}

/// <summary>Exponential back-off between attempts.</summary>
/// <param name="Initial">The delay before the second attempt. Default: 1 second.</param>
/// <param name="Multiplier">What each delay is multiplied by for the next, at least 1. Default: 2.</param>
/// <param name="Max">The longest delay. Default: 30 seconds.</param>
public sealed record WorkflowBackoff(TimeSpan Initial, double Multiplier, TimeSpan Max)
{
    /// <summary>1 second, doubling, at most 30 seconds.</summary>
    public static readonly WorkflowBackoff Default = new(TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(30));
}

/// <summary>The failures a retry applies to (<c>retry.on</c> in YAML).</summary>
public enum WorkflowErrorKind
{
    /// <summary><c>timeout</c>: the attempt ran out of time.</summary>
    Timeout,

    /// <summary><c>unavailable</c>: the tool or its provider was unavailable (rate limited, circuit open, network).</summary>
    Unavailable,

    /// <summary><c>any</c>: every failure except cancellation and refusals.</summary>
    Any,
}
