namespace Lumina.Core.Audit;

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
