namespace Lumina.Abstractions;

/// <summary>
/// A refusal with a <see cref="Kind"/>: the call was not done, and the message (safe to show) says why. Each transport
/// answers a kind its own way (an MCP tool error, an HTTP status), and the audit ledger and telemetry classify by it.
/// </summary>
/// <remarks>
/// Plugins throw it to refuse in a way the transports can tell apart: <see cref="LuminaRefusalKind.NotFound"/> for a
/// file that does not exist, <see cref="LuminaRefusalKind.InvalidArgument"/> for a path outside the allowed roots.
/// A plain <see cref="LuminaException"/> is answered as <see cref="LuminaRefusalKind.InvalidArgument"/>.
/// </remarks>
public class LuminaRefusalException : LuminaException
{
    public LuminaRefusalException()
    {
    }

    public LuminaRefusalException(string message)
        : base(message)
    {
    }

    public LuminaRefusalException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public LuminaRefusalException(LuminaRefusalKind kind, string message, Exception? innerException = null)
        : base(message, innerException) => Kind = kind;

    /// <summary>Why the call was refused.</summary>
    /// <value>The default value is <see cref="LuminaRefusalKind.InvalidArgument"/>.</value>
    public LuminaRefusalKind Kind { get; init; } = LuminaRefusalKind.InvalidArgument;

    /// <summary>How long to wait before trying again, when known (a rate limit, a budget's reset).</summary>
    public TimeSpan? RetryAfter { get; init; }
}
