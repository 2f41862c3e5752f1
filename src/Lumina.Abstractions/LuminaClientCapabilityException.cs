namespace Lumina.Abstractions;

/// <summary>
/// The client does not support a feature the call needs (sampling, elicitation, roots): a refusal of kind
/// <see cref="LuminaRefusalKind.Unavailable"/>.
/// </summary>
public sealed class LuminaClientCapabilityException : LuminaRefusalException
{
    public LuminaClientCapabilityException()
        : base(LuminaRefusalKind.Unavailable, string.Empty)
    {
    }

    public LuminaClientCapabilityException(string message)
        : base(LuminaRefusalKind.Unavailable, message)
    {
    }

    public LuminaClientCapabilityException(string message, Exception? innerException)
        : base(LuminaRefusalKind.Unavailable, message, innerException)
    {
    }
}
