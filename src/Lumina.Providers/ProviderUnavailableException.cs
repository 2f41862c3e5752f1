using Lumina.Abstractions;

namespace Lumina.Providers;

/// <summary>No provider could answer the request: every candidate failed or none can take it (<see cref="LuminaRefusalKind.Unavailable"/>, HTTP 502).</summary>
public sealed class ProviderUnavailableException : LuminaRefusalException
{
    public ProviderUnavailableException()
        : base(LuminaRefusalKind.Unavailable, string.Empty)
    {
    }

    public ProviderUnavailableException(string message)
        : base(LuminaRefusalKind.Unavailable, message)
    {
    }

    public ProviderUnavailableException(string message, Exception? innerException)
        : base(LuminaRefusalKind.Unavailable, message, innerException)
    {
    }
}
