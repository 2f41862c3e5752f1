namespace Lumina.Abstractions;

/// <summary>
/// A limit stops the call for now: a rate limit or a spent budget. The caller may try again later (HTTP 429).
/// </summary>
public sealed class LuminaLimitException : LuminaException
{
    public LuminaLimitException()
    {
    }

    public LuminaLimitException(string message)
        : base(message)
    {
    }

    public LuminaLimitException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>How long to wait before trying again, when known.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
