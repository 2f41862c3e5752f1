namespace Lumina.Providers;

/// <summary>The state of a provider's circuit breaker.</summary>
public enum CircuitState
{
    /// <summary>Requests flow.</summary>
    Closed,

    /// <summary>Too many failures in a row: the provider is left out until the break ends.</summary>
    Open,

    /// <summary>The break has ended and one trial request is in flight; its outcome closes or reopens the circuit.</summary>
    HalfOpen,
}
