namespace Lumina.Core.Storage;

/// <summary>
/// The service keys a store backend registers its raw stores under; Core serves them to callers through its own
/// decorators (telemetry around memory, the buffered writer around the audit ledger).
/// </summary>
public static class LuminaStoreKeys
{
    /// <summary>The key of the backend's <c>ILuminaMemory</c>.</summary>
    public const string Memory = "Lumina:Store:Memory";

    /// <summary>The key of the backend's <c>IAuditLedger</c>.</summary>
    public const string Audit = "Lumina:Store:Audit";
}
