using Lumina.Abstractions;
using Lumina.Abstractions.Memory;
using Lumina.Core;
using Lumina.Core.Audit;
using Lumina.Core.Auth;
using Lumina.Core.Budgets;
using Lumina.Core.Configuration;
using Lumina.Core.Federation;
using Lumina.Core.Memory;
using Lumina.Core.Policy;
using Lumina.Core.Storage;
using Lumina.Core.Tasks;
using Lumina.Core.Workflows;
using Lumina.Storage.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts every store of a Lumina host in SQLite files under its data directory.</summary>
public static class SqliteStoreServiceCollectionExtensions
{
    /// <summary>The name the backend reports in telemetry and readiness.</summary>
    public const string BackendName = "sqlite";

    /// <summary>
    /// Adds every store in embedded SQLite files under <c>Lumina:DataDirectory</c>: memory (<c>memory.db</c>), users and
    /// keys (<c>auth.db</c>), the audit ledger (<c>audit.db</c>), budgets (<c>usage.db</c>), tasks (<c>tasks.db</c>) and upstream tools' pins (<c>pins.db</c>);
    /// rate limits and resource notifications stay in this process. Works on a laptop with no server. Adds a readiness
    /// check (tag <c>ready</c>) that opens each file for writing. Calling it again adds nothing twice.
    /// </summary>
    public static ILuminaBuilder AddSqliteStores(this ILuminaBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ImplementationInstance is LuminaStoreBackend { Name: BackendName }))
        {
            return builder;
        }

        services.AddSingleton(new LuminaStoreBackend(BackendName));
        services.TryAddKeyedSingleton<ILuminaMemory>(LuminaStoreKeys.Memory, (sp, _) => new SqliteMemory(
            DataFile(sp, "memory.db"),
            sp.GetRequiredService<IOptions<MemoryOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            new FactEmbedder(sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>())));
        services.TryAddKeyedSingleton<IAuditLedger>(LuminaStoreKeys.Audit, (sp, _) => new SqliteAuditLedger(
            DataFile(sp, "audit.db"),
            sp.GetRequiredService<IOptions<AuditOptions>>().Value.Durability,
            sp.GetRequiredService<AuditTuning>().SqliteBusyTimeout));
        services.TryAddSingleton<ILuminaIdentityStore>(sp => new SqliteIdentityStore(
            DataFile(sp, "auth.db"),
            sp.GetRequiredService<IOptions<LuminaAuthOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IBudgetStore>(sp => new SqliteBudgetStore(DataFile(sp, "usage.db")));
        services.TryAddSingleton<IToolPinStore>(sp => new SqliteToolPinStore(DataFile(sp, "pins.db")));
        services.TryAddSingleton<ILuminaTaskStore>(sp => new SqliteTaskStore(DataFile(sp, "tasks.db"), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IWorkflowRunStore>(sp => new SqliteWorkflowRunStore(DataFile(sp, "workflows.db"), sp.GetRequiredService<TimeProvider>()));

        // One process, one count: a second host on the same files keeps its own rate limits and change notices.
        services.TryAddSingleton<IRateLimitStore>(sp => new InMemoryRateLimitStore(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ILuminaResourceNotifier>(sp => sp.GetRequiredService<LuminaResourceChangeHub>());

        services.AddHealthChecks().AddCheck<SqliteStoresHealthCheck>(BackendName, tags: ["ready"], timeout: SqliteStoresHealthCheck.Timeout);
        return builder;
    }

    private static string DataFile(IServiceProvider services, string name) =>
        Path.Combine(services.GetRequiredService<IOptions<LuminaOptions>>().Value.DataDirectory, name);
}
