using Lumina.Abstractions.Memory;
using Lumina.Core.Audit;
using Lumina.Core.Auth;
using Lumina.Core.Budgets;
using Lumina.Core.Federation;
using Lumina.Core.Storage;
using Lumina.Core.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lumina.Storage.Sqlite;

/// <summary>
/// Whether every SQLite file of the host (memory, identities, audit ledger, budgets, tasks, tool pins) opens for writing and
/// answers a query now, so a load balancer stops sending work to a host whose disk is gone.
/// </summary>
internal sealed class SqliteStoresHealthCheck(IServiceProvider services) : IHealthCheck
{
    /// <summary>How long the check may take before the host counts as not ready.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        List<SqliteDatabase> databases;
        try
        {
            // Each store makes its file when it opens: resolving them first gives every file its chance. A store the
            // program replaced with one of its own is its own business.
            object[] stores =
            [
                services.GetRequiredKeyedService<ILuminaMemory>(LuminaStoreKeys.Memory),
                services.GetRequiredService<ILuminaIdentityStore>(),
                services.GetRequiredKeyedService<IAuditLedger>(LuminaStoreKeys.Audit),
                services.GetRequiredService<IBudgetStore>(),
                services.GetRequiredService<ILuminaTaskStore>(),
                services.GetRequiredService<IToolPinStore>(),
            ];
            databases = [.. stores.Select(Database).OfType<SqliteDatabase>()];
        }
        catch (Lumina.Core.LuminaStartupException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message, ex);
        }

        foreach (var database in databases)
        {
            try
            {
                await database.CheckAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex)
            {
                return HealthCheckResult.Unhealthy($"The SQLite {database.Store} store {Path.GetFileName(database.Path)} cannot be opened for writing.", ex);
            }
        }

        return HealthCheckResult.Healthy();
    }

    private static SqliteDatabase? Database(object store) => store switch
    {
        SqliteMemory memory => memory.Database,
        SqliteIdentityStore identities => identities.Database,
        SqliteAuditLedger ledger => ledger.Database,
        SqliteBudgetStore budgets => budgets.Database,
        SqliteTaskStore tasks => tasks.Database,
        SqliteToolPinStore pins => pins.Database,
        _ => null,
    };
}
