using Lumina.Abstractions;

namespace Lumina.Core.Auth;

/// <summary>A user or API key operation was refused: duplicate or unknown user, weak password, unknown role, bad key.</summary>
/// <remarks>The message is safe to show to whoever made the request.</remarks>
public sealed class LuminaIdentityException : LuminaException
{
    public LuminaIdentityException()
    {
    }

    public LuminaIdentityException(string message)
        : base(message)
    {
    }

    public LuminaIdentityException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
