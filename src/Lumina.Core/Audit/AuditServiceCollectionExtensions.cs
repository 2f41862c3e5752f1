using Lumina.Abstractions;
using Lumina.Core.Configuration;
using Lumina.Core.Storage;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Audit;

/// <summary>Registers the audit ledger as the host serves it (over the store backend's own) and the audit filter.</summary>
internal static partial class AuditServiceCollectionExtensions
{
    /// <summary>
    /// The service key of the backend's ledger with the head mark attached; <see cref="IAuditLedger"/> is the ledger as
    /// the host serves it.
    /// </summary>
    public const string StoreKey = "Lumina:Audit:Store";

    /// <remarks>
    /// Kernel filters run in the order they are registered, the first outermost: call this before the authorization and
    /// memory filters are added, so the audit filter sees (and records) the calls they refuse. With
    /// <see cref="AuditDurability.Buffered"/>, <see cref="IAuditLedger"/> is a <see cref="BufferedAuditLedger"/> over the
    /// store (keyed <see cref="StoreKey"/>), so every read through the host sees the records it has queued.
    /// </remarks>
    public static void AddLuminaAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>());
        services.TryAddSingleton<AuditTuning>();
        services.TryAddSingleton(sp => new AuditHeadMark(sp.GetRequiredService<IOptions<LuminaOptions>>().Value.DataDirectory));
        services.TryAddKeyedSingleton<IAuditLedger>(StoreKey, (sp, _) =>
        {
            var store = sp.GetRequiredKeyedService<IAuditLedger>(LuminaStoreKeys.Audit);
            if (store is IMarkedAuditLedger marked)
            {
                marked.Mark = sp.GetRequiredService<AuditHeadMark>();
            }

            return store;
        });
        services.AddSingleton(sp => new AuditWriter(
            sp.GetRequiredKeyedService<IAuditLedger>(StoreKey),
            StoreBackends.Single(sp).Name,
            sp.GetRequiredService<IOptions<AuditOptions>>().Value,
            sp.GetRequiredService<AuditTuning>(),
            sp.GetRequiredService<LuminaTelemetry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AuditWriter>>()));
        services.TryAddSingleton<IAuditLedger>(sp =>
        {
            var store = sp.GetRequiredKeyedService<IAuditLedger>(StoreKey);
            return sp.GetRequiredService<IOptions<AuditOptions>>().Value.Durability == AuditDurability.Buffered
                ? new BufferedAuditLedger(store, sp.GetRequiredService<AuditWriter>())
                : store;
        });
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<AuditRecorder>(sp, sp.GetRequiredKeyedService<IAuditLedger>(StoreKey), StoreBackends.Single(sp).Name));
        services.AddSingleton<AuditFilter>();
        services.AddSingleton<IFunctionInvocationFilter>(sp => new TracedFunctionFilter("audit", sp.GetRequiredService<AuditFilter>()));
        services.AddHostedService<AuditLifetime>();
    }

    /// <summary>
    /// Opens the store when the host starts, so a store that cannot be written stops the host, not the first call; and
    /// writes the queued records when it stops (disposing the writer does that too, for programs without a host).
    /// </summary>
    /// <remarks>
    /// On start it also compares the store with its head mark and looks for hosts that stopped uncleanly
    /// (<see cref="AuditHeadMark"/>): each finding is logged as an error and noted by a record of its own before any
    /// call is recorded — the chain carries on from where the store is, and says what went missing. With
    /// <see cref="AuditDurability.Buffered"/> it then leaves this host's running marker, removed on a clean stop.
    /// </remarks>
    private sealed partial class AuditLifetime(IServiceProvider services, IOptions<AuditOptions> options, ILogger<AuditLifetime> logger) : IHostedService
    {
        private readonly ILogger _logger = logger;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (!options.Value.Enabled)
            {
                return;
            }

            var store = services.GetRequiredKeyedService<IAuditLedger>(StoreKey);
            var mark = services.GetRequiredService<AuditHeadMark>();
            foreach (var (gap, entry, marker) in await AuditContinuity.FindNewAsync(store, mark, cancellationToken).ConfigureAwait(false))
            {
                var record = await store.AppendAsync(entry, cancellationToken).ConfigureAwait(false);
                LogGap(gap.Reason, record.Sequence);
                if (marker is not null)
                {
                    File.Delete(marker);
                }
            }

            if (mark.Failure is { } failure)
            {
                LogMarkFailed(mark.Path, failure);
            }

            if (options.Value.Durability == AuditDurability.Buffered)
            {
                mark.MarkRunning();
            }
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (!options.Value.Enabled || options.Value.Durability != AuditDurability.Buffered)
            {
                return;
            }

            try
            {
                await services.GetRequiredService<AuditWriter>().FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is LuminaException or OperationCanceledException)
            {
                // The store is failing or the stop is out of time: disposing the writer retries for a while and logs
                // what it could not write. The running marker stays: records may be lost.
                return;
            }

            services.GetRequiredService<AuditHeadMark>().MarkStopped();
        }

        [LoggerMessage(Level = LogLevel.Critical, Message = "The audit ledger may be missing records: {Reason}. Record {Sequence} now notes it; `lumina audit verify` reports it.")]
        private partial void LogGap(string reason, long sequence);

        [LoggerMessage(Level = LogLevel.Error, Message = "The audit head mark {Path} could not be written: a store that goes back would not be noticed")]
        private partial void LogMarkFailed(string path, Exception exception);
    }
}
