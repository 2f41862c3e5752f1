namespace Lumina.Core.Audit;

/// <summary>How far a call's audit record is stored when the call returns (<c>Lumina:Audit:Durability</c>).</summary>
public enum AuditDurability
{
    /// <summary>
    /// Write-behind, the default: the call hands its record to the host's one background writer and returns without
    /// waiting. The writer appends whatever has queued up as one batch — one transaction synced to the disk
    /// (<c>fsync</c>) in the embedded store, one script in Redis (durable as its <c>appendfsync</c> says) — so a record is
    /// committed and synced within one batch of its call, typically a millisecond, and the sync is paid per batch, off the
    /// call path. Records of one host are
    /// written in the order their calls finished. A graceful stop (the host stopping, or its service provider being
    /// disposed) writes everything queued first and loses nothing; a crash or kill of the process loses the records
    /// still queued, and a chain cannot show that they are missing. While the store cannot be written the writer keeps
    /// the queued records and retries; meanwhile, with <see cref="AuditOptions.FailClosed"/>, new calls are refused
    /// before they run, as they are when <see cref="AuditOptions.MaxPending"/> records are waiting.
    /// </summary>
    Buffered,

    /// <summary>
    /// Synced before the call returns: every commit is flushed to the disk (<c>fsync</c>) first, so an acknowledged record
    /// survives a crash of Lumina, of the operating system and a power loss. Costs one synced write per commit, on the
    /// call path (calls that arrive together share one).
    /// </summary>
    Full,

    /// <summary>
    /// Written, not synced, before the call returns (SQLite <c>synchronous=NORMAL</c> in WAL mode): an acknowledged
    /// record survives a crash or kill of Lumina, but an operating-system crash or power loss can lose the records
    /// written since the last checkpoint — and a lost tail leaves a shorter chain that still verifies. For hosts where
    /// that is acceptable.
    /// </summary>
    Normal,
}
