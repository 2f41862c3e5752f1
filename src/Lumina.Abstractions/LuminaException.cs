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
