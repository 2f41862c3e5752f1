namespace Lumina.Core.Audit;

/// <summary>
/// The ledger as the host serves it when records are written behind (<see cref="AuditDurability.Buffered"/>): every
/// read first waits for the records this host has queued, so a caller always finds its own earlier calls.
/// </summary>
/// <remarks>
/// A store that cannot be written at the moment makes a read fail with "The audit ledger is unavailable…" rather than
/// answer without the queued records. An append made here waits for the queue too, so it lands after them.
/// </remarks>
internal sealed class BufferedAuditLedger(IAuditLedger store, AuditWriter writer) : IAuditLedger
{
    /// <summary>The store the records are written to.</summary>
    public IAuditLedger Store => store;

    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await store.AppendAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditRecord>> AppendBatchAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await store.AppendBatchAsync(entries, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadRecentAsync(int count, CancellationToken cancellationToken = default)
    {
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await store.ReadRecentAsync(count, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadRangeAsync(long fromSequence, int count, CancellationToken cancellationToken = default)
    {
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await store.ReadRangeAsync(fromSequence, count, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await store.VerifyAsync(cancellationToken).ConfigureAwait(false);
    }
}
