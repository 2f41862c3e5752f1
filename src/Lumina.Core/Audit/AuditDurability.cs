namespace Lumina.Core.Audit;

/// <summary>How far an appended audit record is on disk when the call that made it returns (<c>Lumina:Audit:Durability</c>).</summary>
public enum AuditDurability
{
    /// <summary>
    /// Synced: every commit is flushed to the disk (<c>fsync</c>) before the call returns, so an acknowledged record
    /// survives a crash of Lumina, of the operating system and a power loss. Costs one synced write per commit (calls
    /// that arrive together share one).
    /// </summary>
    Full,

    /// <summary>
    /// Written, not synced (SQLite <c>synchronous=NORMAL</c> in WAL mode): an acknowledged record survives a crash or
    /// kill of Lumina, but an operating-system crash or power loss can lose the records written since the last
    /// checkpoint — and a lost tail leaves a shorter chain that still verifies. For hosts where that is acceptable.
    /// </summary>
    Normal,
}
