using Lumina.Core.Configuration;
using Lumina.Core.Memory;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using StackExchange.Redis;

namespace Lumina.Core.Audit;

/// <summary>Registers the audit ledger (in the store chosen by <c>Lumina:Memory:Store</c>) and the audit filter.</summary>
internal static class AuditServiceCollectionExtensions
{
    /// <remarks>
    /// Kernel filters run in the order they are registered, the first outermost: call this before the authorization and
    /// memory filters are added, so the audit filter sees (and records) the calls they refuse.
    /// </remarks>
    public static void AddLuminaAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.SectionName));
        services.TryAddSingleton<IAuditLedger>(sp =>
        {
            var memory = sp.GetRequiredService<IOptions<MemoryOptions>>().Value;
            return memory.UsesRedis
                ? new RedisAuditLedger(sp.GetRequiredService<IConnectionMultiplexer>(), memory.KeyPrefix, sp.GetRequiredService<TimeProvider>())
                : new SqliteAuditLedger(
                    Path.Combine(sp.GetRequiredService<IOptions<LuminaOptions>>().Value.DataDirectory, "audit.db"),
                    sp.GetRequiredService<IOptions<AuditOptions>>().Value.Durability);
        });
        services.AddSingleton<AuditFilter>();
        services.AddSingleton<IFunctionInvocationFilter>(sp => new TracedFunctionFilter("audit", sp.GetRequiredService<AuditFilter>()));
        services.AddHostedService<AuditStartupCheck>();
    }

    /// <summary>Opens the ledger when the host starts, so a store that cannot be written stops the host, not the first call.</summary>
    private sealed class AuditStartupCheck(IServiceProvider services, IOptions<AuditOptions> options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.Value.Enabled)
            {
                _ = services.GetRequiredService<IAuditLedger>();
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
