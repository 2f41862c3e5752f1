namespace Lumina.Core.Storage;

/// <summary>
/// The backend that holds every store of a host (memory, audit ledger, identities, budgets, rate limits, resource
/// notifications): <c>AddSqliteStores()</c> and <c>AddRedisStores()</c> each register one. A host has exactly one; the
/// start check says so clearly when it has none or two.
/// </summary>
/// <param name="name">The backend's name as telemetry and readiness report it (<c>sqlite</c>, <c>redis</c>).</param>
public sealed class LuminaStoreBackend(string name)
{
    /// <summary>The backend's name as telemetry and readiness report it.</summary>
    public string Name { get; } = name;
}
