namespace Lumina.Providers;

/// <summary>What went wrong with a provider call, as far as routing is concerned.</summary>
public enum ProviderErrorKind
{
    /// <summary>429: the provider wants fewer requests; it cools down for its Retry-After.</summary>
    RateLimited,

    /// <summary>5xx: the provider's own trouble, often brief.</summary>
    ServerError,

    /// <summary>No answer within the provider's timeout.</summary>
    Timeout,

    /// <summary>The connection was refused or the host could not be found.</summary>
    Unreachable,

    /// <summary>An answer that could not be read (malformed JSON, an unexpected shape).</summary>
    BadResponse,

    /// <summary>The request is larger than the model's context window; a provider with a larger one may take it.</summary>
    ContextWindowExceeded,

    /// <summary>Any other refusal (400, 401, 403, 404): this provider will not take the request as it is.</summary>
    Rejected,
}
