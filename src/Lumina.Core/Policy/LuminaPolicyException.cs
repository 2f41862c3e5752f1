using Lumina.Abstractions;

namespace Lumina.Core.Policy;

/// <summary>
/// The policy guard refused a call. The message starts with <c>Forbidden:</c> when the guard's own rules refused it (a
/// rate limit, an argument cap; the audit ledger records it as denied) and with <c>Declined:</c> when a destructive
/// call was not confirmed (the user said no, or could not be asked).
/// </summary>
public sealed class LuminaPolicyException : LuminaException
{
    public LuminaPolicyException()
    {
    }

    public LuminaPolicyException(string message)
        : base(message)
    {
    }

    public LuminaPolicyException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal LuminaPolicyException(string reason, string message)
        : base(message) => Reason = reason;

    /// <summary>A short, bounded reason: <c>rate_limited</c>, <c>argument_too_large</c>, <c>declined</c>, <c>cannot_confirm</c>.</summary>
    public string Reason { get; } = "refused";
}
