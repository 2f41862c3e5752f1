namespace Lumina.Providers;

/// <summary>
/// One failed attempt on a provider, classified: what the router's retry and circuit breaker (Polly) decide on. It
/// never leaves the router, which reports the <see cref="Failure"/> and keeps the provider's own exception inside.
/// </summary>
internal sealed class ProviderAttemptException : Exception
{
    public ProviderAttemptException()
        : this(new ProviderFailure(ProviderErrorKind.Rejected, null, null, string.Empty), null)
    {
    }

    public ProviderAttemptException(string message)
        : this(new ProviderFailure(ProviderErrorKind.Rejected, null, null, message), null)
    {
    }

    public ProviderAttemptException(string message, Exception? innerException)
        : this(new ProviderFailure(ProviderErrorKind.Rejected, null, null, message), innerException)
    {
    }

    public ProviderAttemptException(ProviderFailure failure, Exception? innerException)
        : base(failure.Describe(), innerException)
    {
        Failure = failure;
    }

    public ProviderFailure Failure { get; }
}
