namespace Lumina.Core.Audit;

/// <summary>A place where the ledger may be missing records although its chain verifies.</summary>
/// <param name="Reason">A sentence saying what happened and which records may be missing.</param>
/// <param name="Recorded">Whether a record of the ledger already notes it (a host wrote it on start), or it was only found now.</param>
/// <param name="WentBack">Whether the store lost records it had committed (it went back), not only a host's queue.</param>
public sealed record AuditGap(string Reason, bool Recorded, bool WentBack);
