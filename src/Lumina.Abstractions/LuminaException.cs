namespace Lumina.Abstractions;

/// <summary>
/// An error whose message is safe to show to the client (and to the model that called the tool).
/// </summary>
/// <remarks>
/// Any other exception thrown by a plugin reaches the client as a generic message naming the tool,
/// with the details only in the host's logs: exception text can carry paths, secrets or internals.
/// Throw this when the caller can act on the message ("the path is outside the allowed roots"); throw a
/// <see cref="LuminaRefusalException"/> to say which kind of refusal it is.
/// </remarks>
public class LuminaException : Exception
{
    public LuminaException()
    {
    }

    public LuminaException(string message)
        : base(message)
    {
    }

    public LuminaException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

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

/// <summary>
/// The caller may not invoke the function: their role lacks the permission it needs. A refusal of kind
/// <see cref="LuminaRefusalKind.Forbidden"/>.
/// </summary>
public sealed class LuminaForbiddenException : LuminaRefusalException
{
    public LuminaForbiddenException()
        : base(LuminaRefusalKind.Forbidden, string.Empty)
    {
    }

    public LuminaForbiddenException(string message)
        : base(LuminaRefusalKind.Forbidden, message)
    {
    }

    public LuminaForbiddenException(string message, Exception? innerException)
        : base(LuminaRefusalKind.Forbidden, message, innerException)
    {
    }
}
