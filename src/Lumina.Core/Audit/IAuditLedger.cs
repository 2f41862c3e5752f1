namespace Lumina.Core.Audit;

/// <summary>
/// The append-only, hash-chained record of every kernel invocation. Implementations keep one chain even when several
/// hosts append at once, and never change or remove a record.
/// </summary>
public interface IAuditLedger
{
    /// <summary>Appends <paramref name="entry"/> as the next record of the chain and returns it.</summary>
    Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="entries"/>, in order, as the next records of the chain in one atomic write (all of them or
    /// none), and returns them.
    /// </summary>
    Task<IReadOnlyList<AuditRecord>> AppendBatchAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>The last <paramref name="count"/> records, oldest first.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadRecentAsync(int count, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="count"/> records from sequence number <paramref name="fromSequence"/> on, oldest first.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadRangeAsync(long fromSequence, int count, CancellationToken cancellationToken = default);

    /// <summary>Walks the whole chain and reports the first record that was altered, removed, reordered or cut off.</summary>
    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default);
}
