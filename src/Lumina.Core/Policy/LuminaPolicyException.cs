using Lumina.Abstractions;

namespace Lumina.Core.Policy;

/// <summary>
/// The policy guard refused a call: its own rules (a rate limit, <see cref="LuminaRefusalKind.Limit"/>; an argument cap,
/// <see cref="LuminaRefusalKind.TooLarge"/>) or a destructive call that was not confirmed (the user said no, or could
/// not be asked: <see cref="LuminaRefusalKind.ConfirmationDeclined"/>).
/// </summary>
public sealed class LuminaPolicyException : LuminaRefusalException
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

    internal LuminaPolicyException(string reason, LuminaRefusalKind kind, string message)
        : base(kind, message) => Reason = reason;

    /// <summary>A short, bounded reason for logs and metrics: <c>rate_limited</c>, <c>argument_too_large</c>, <c>declined</c>, <c>cannot_confirm</c>.</summary>
    public string Reason { get; } = "refused";
}
