using Lumina.Abstractions;

namespace Lumina.Core.Providers;

/// <summary>No provider could answer the request: every candidate failed or none can take it (HTTP 502).</summary>
public sealed class ProviderUnavailableException : LuminaException
{
    public ProviderUnavailableException()
    {
    }

    public ProviderUnavailableException(string message)
        : base(message)
    {
    }

    public ProviderUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
