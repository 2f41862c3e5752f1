using Lumina.Abstractions;

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
}

/// <summary>What the audit filter knows about one finished invocation; the ledger numbers and chains it.</summary>
/// <param name="Time">When the call started.</param>
/// <param name="CallerId">The caller's id.</param>
/// <param name="CallerRole">The caller's role.</param>
/// <param name="Transport">How the caller reached the kernel.</param>
/// <param name="Function">The function, <c>plugin_function</c>.</param>
/// <param name="ArgumentsDigest">SHA-256 (hex) of the canonical JSON of the arguments — never the arguments themselves.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="ErrorKind">For a failure, the exception's type name (never its message, which may quote arguments); for a refusal, <c>Forbidden:</c> and what was refused (<c>tools/call</c>, <c>prompts/get</c>, <c>resources/read</c>, <c>resources/subscribe</c>, <c>completion/complete</c>, <c>invoke</c>).</param>
/// <param name="DurationMs">How long it ran, in milliseconds.</param>
public sealed record AuditEntry(
    DateTimeOffset Time,
    string CallerId,
    string CallerRole,
    LuminaTransport Transport,
    string Function,
    string ArgumentsDigest,
    AuditOutcome Outcome,
    string? ErrorKind,
    long DurationMs);

/// <summary>One record of the ledger: an <see cref="AuditEntry"/> with its place in the chain.</summary>
/// <param name="Sequence">1 for the first record, then one more for each.</param>
/// <param name="PreviousHash">The hash of the record before (64 zeros for the first).</param>
/// <param name="Hash">SHA-256 (hex) over <paramref name="PreviousHash"/> and the canonical serialisation of the other fields.</param>
public sealed record AuditRecord(
    long Sequence,
    DateTimeOffset Time,
    string CallerId,
    string CallerRole,
    LuminaTransport Transport,
    string Function,
    string ArgumentsDigest,
    AuditOutcome Outcome,
    string? ErrorKind,
    long DurationMs,
    string PreviousHash,
    string Hash);

/// <summary>Why verification stopped at a record.</summary>
public enum AuditFault
{
    /// <summary>The record's contents do not match its hash.</summary>
    Altered,

    /// <summary>A record is missing: the sequence skips it, or the link to the previous hash is broken.</summary>
    Removed,

    /// <summary>The record is present, but not where the chain puts it.</summary>
    Reordered,

    /// <summary>The ledger ends before the stored head: records were cut off its end.</summary>
    Truncated,

    /// <summary>A record, or the store, cannot be read: a field is missing, NULL or of the wrong type, or the file is damaged.</summary>
    Unreadable,
}

/// <summary>The result of walking the chain.</summary>
/// <param name="Count">How many records were checked and found sound (all of them when intact).</param>
/// <param name="HeadHash">The hash of the last record (the stored head) — keep it elsewhere to detect a rewritten chain later.</param>
/// <param name="FirstBadSequence">The sequence number of the first bad record, when not intact.</param>
/// <param name="Fault">What is wrong with it.</param>
/// <param name="Reason">A sentence saying why.</param>
public sealed record AuditVerification(long Count, string? HeadHash, long? FirstBadSequence = null, AuditFault? Fault = null, string? Reason = null)
{
    /// <summary>Whether every record is present, in order, and unaltered.</summary>
    public bool IsIntact => FirstBadSequence is null;
}
