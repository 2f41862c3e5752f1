using Lumina.Abstractions;

namespace Lumina.Core.Audit;

/// <summary>One record of the ledger: an <see cref="AuditEntry"/> with its place in the chain.</summary>
/// <param name="Sequence">1 for the first record, then one more for each.</param>
/// <param name="PreviousHash">The hash of the record before (64 zeros for the first).</param>
/// <param name="Hash">SHA-256 (hex) over <paramref name="PreviousHash"/> and the canonical serialisation of the other fields.</param>
/// <param name="Context">What the call was made for (<see cref="AuditEntry.Context"/>), or null. Covered by the hash when present; a record without one hashes as records did before contexts existed.</param>
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
    string Hash,
    string? Context = null);
