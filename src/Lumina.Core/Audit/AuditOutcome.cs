namespace Lumina.Core.Audit;

/// <summary>How an audited invocation ended.</summary>
public enum AuditOutcome
{
    /// <summary>The function returned.</summary>
    Ok,

    /// <summary>The function (or a filter inside the audit filter) threw.</summary>
    Error,

    /// <summary>An access rule or a cap stopped the call: a refusal of kind forbidden, limit or too large (<c>Refusals.IsDenial</c>).</summary>
    Denied,

    /// <summary>The call was cancelled.</summary>
    Cancelled,

    /// <summary>
    /// The call stopped to ask its client for input (a stateless MCP request); the client's retry with the answers is
    /// recorded as a call of its own.
    /// </summary>
    InputRequired,
}
