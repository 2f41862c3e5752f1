namespace Lumina.Abstractions;

/// <summary>
/// An error whose message is safe to show to the client (and to the model that called the tool).
/// </summary>
/// <remarks>
/// Any other exception thrown by a plugin reaches the client as a generic message naming the tool,
/// with the details only in the host's logs: exception text can carry paths, secrets or internals.
/// Throw this when the caller can act on the message ("the path is outside the allowed roots").
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

/// <summary>The client does not support a feature the call needs (sampling, elicitation, roots).</summary>
public sealed class LuminaClientCapabilityException : LuminaException
{
    public LuminaClientCapabilityException()
    {
    }

    public LuminaClientCapabilityException(string message)
        : base(message)
    {
    }

    public LuminaClientCapabilityException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The caller may not invoke the function: their role lacks the permission it needs.</summary>
public sealed class LuminaForbiddenException : LuminaException
{
    public LuminaForbiddenException()
    {
    }

    public LuminaForbiddenException(string message)
        : base(message)
    {
    }

    public LuminaForbiddenException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
