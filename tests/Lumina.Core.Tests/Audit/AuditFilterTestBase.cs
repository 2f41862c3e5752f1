using Lumina.Abstractions;
using Lumina.Core.Audit;
using Lumina.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tests.Audit;

/// <summary>
/// Shared setup for the audit filter tests: a data folder, the probe plugin, the audit error log, callers of each role, and
/// a service provider built with the ledger in the configured store.
/// </summary>
public abstract class AuditFilterTestBase : IDisposable
{
    private protected static readonly LuminaCaller s_admin = new("ada", "Ada", "admin", LuminaTransport.Http, IsAuthenticated: true);
    private protected static readonly LuminaCaller s_user = new("uma", "Uma", "user", LuminaTransport.Http, IsAuthenticated: true);
    private protected static readonly LuminaCaller s_guest = new("gus", "Gus", "guest", LuminaTransport.Stdio, IsAuthenticated: false);
    private protected readonly string _data = TestData.NewDirectory();
    private protected readonly AuditProbePlugin _probe = new();
    private protected readonly AuditLogSink _logs = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Short retries, a one-second wait for SQLite's lock, a short drain on disposal.</summary>
    private protected static AuditTuning Quick { get; } = new()
    {
        RetryMinDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        SqliteBusyTimeout = TimeSpan.FromSeconds(1),
        DrainTimeout = TimeSpan.FromSeconds(1),
    };

    private protected static string Digest(string text) => AuditChain.DigestArguments(new KernelArguments { ["text"] = text });

    private protected static IAuditLedger Store(ServiceProvider provider) => provider.GetRequiredKeyedService<IAuditLedger>(AuditServiceCollectionExtensions.StoreKey);

    /// <summary>Waits (bounded) for a state the writer reaches on its own.</summary>
    private protected static async Task Eventually(Func<bool> condition, string because) =>
        (await Testing.Eventually.WaitAsync(condition)).Should().BeTrue(because);

    /// <summary>Takes the ledger file's write lock from another connection, as another process writing it would.</summary>
    private protected async Task<Microsoft.Data.Sqlite.SqliteConnection> LockLedgerAsync()
    {
        var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_data, "audit.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "BEGIN IMMEDIATE";
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    private protected static Dictionary<string, string?> Redis(RedisServer redis) => new()
    {
        ["ConnectionStrings:redis"] = $"{redis.ConnectionString},asyncTimeout=1000,syncTimeout=1000,connectTimeout=1000",
    };

    private protected static Task<IReadOnlyList<AuditRecord>> Recent(ServiceProvider provider) => provider.GetRequiredService<IAuditLedger>().ReadRecentAsync(50);

    private protected static IDisposable Push(ServiceProvider provider, LuminaCaller caller) =>
        provider.GetRequiredService<ILuminaCallContextAccessor>().Push(new LuminaCallContext(caller));

    private protected ServiceProvider Build(Dictionary<string, string?>? settings = null, AuditTuning? tuning = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lumina:DataDirectory"] = _data,
            ["Lumina:Prompts:BuiltIn"] = "false",
        }).AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddProvider(_logs));
        if (tuning is not null)
        {
            services.AddSingleton(tuning);
        }

        services.AddLumina(configuration).AddTestStores(configuration).AddBuiltInPlugins(configuration).AddProviders(configuration).AddPlugin(_probe, "probe");
        return services.BuildServiceProvider();
    }
}
