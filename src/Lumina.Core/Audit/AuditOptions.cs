namespace Lumina.Core.Audit;

/// <summary>Settings of <c>Lumina:Audit</c>: the hash-chained ledger of every kernel invocation.</summary>
/// <remarks>
/// The ledger lives in the state store chosen by <c>Lumina:Memory:Store</c>: <c>audit.db</c> in the data directory, or
/// Redis (shared by every host, one chain).
/// </remarks>
public sealed class AuditOptions
{
    public const string SectionName = "Lumina:Audit";

    /// <summary>Whether every invocation is recorded.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether a call fails when its record cannot be appended (the store is down). When <see langword="false"/> the
    /// failure is only logged as an error and the call's own outcome stands — calls then go unrecorded.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool FailClosed { get; set; } = true;

    /// <summary>
    /// How far an appended record is on disk when the call that made it returns (embedded store only; Redis keeps its
    /// own <c>appendfsync</c> setting).
    /// </summary>
    /// <value>The default value is <see cref="AuditDurability.Full"/>.</value>
    public AuditDurability Durability { get; set; } = AuditDurability.Full;
}
