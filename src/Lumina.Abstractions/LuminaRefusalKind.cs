namespace Lumina.Abstractions;

/// <summary>Why a call was refused: what the caller can do about it, and how each transport answers it.</summary>
public enum LuminaRefusalKind
{
    /// <summary>The caller's arguments, or what they name, cannot be used as given (HTTP 400).</summary>
    InvalidArgument,

    /// <summary>The caller may not do this: their role lacks the permission, or the function's own rule forbids it (HTTP 403).</summary>
    Forbidden,

    /// <summary>A limit stops the call for now, such as a rate limit; trying again later may succeed (HTTP 429).</summary>
    Limit,

    /// <summary>A spent budget stops the call until it resets (HTTP 429).</summary>
    Budget,

    /// <summary>A destructive call was not confirmed: the user said no, or could not be asked (HTTP 403).</summary>
    ConfirmationDeclined,

    /// <summary>What the call names does not exist (HTTP 404).</summary>
    NotFound,

    /// <summary>
    /// The arguments are larger than a configured cap (HTTP 413). Not <see cref="Limit"/>: the same call never succeeds
    /// later; not <see cref="InvalidArgument"/>: the arguments are well formed.
    /// </summary>
    TooLarge,

    /// <summary>
    /// A service the call needs did not answer: every model provider, the client's own model, the audit ledger (HTTP 502).
    /// Neither the caller's fault nor a defect here, so neither a refusal of the arguments nor a failure with a reference.
    /// </summary>
    Unavailable,
}
