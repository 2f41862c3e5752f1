namespace Lumina.Core.Audit;

/// <summary>Settings of <c>Lumina:Audit</c>: the hash-chained ledger of every kernel invocation.</summary>
/// <remarks>
/// The ledger lives in the state store chosen by <c>Lumina:Store</c>: <c>audit.db</c> in the data directory, or
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
    /// How far a call's record is stored when the call returns: queued for the background writer
    /// (<see cref="AuditDurability.Buffered"/>), or committed first — synced or not in the embedded store; Redis keeps its
    /// own <c>appendfsync</c> setting.
    /// </summary>
    /// <value>The default value is <see cref="AuditDurability.Buffered"/>.</value>
    public AuditDurability Durability { get; set; } = AuditDurability.Buffered;

    /// <summary>
    /// With <see cref="AuditDurability.Buffered"/>, how many records may wait to be written. When that many wait (the
    /// store is slow or down) new calls are refused, or with <see cref="FailClosed"/> off their records are dropped and
    /// the drop is logged as an error.
    /// </summary>
    /// <value>The default value is 100,000.</value>
    public int MaxPending { get; set; } = 100_000;

    /// <summary>
    /// With <see cref="AuditDurability.Buffered"/>, how long the writer gathers records after the first one arrives before
    /// it writes them as one batch. Longer windows mean fewer synced commits under load (at most one per window) and a
    /// longer time during which a crash can lose a record; zero writes as soon as a record is queued.
    /// </summary>
    /// <value>The default value is 10 milliseconds.</value>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(10);
}
