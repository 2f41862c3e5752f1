using Lumina.Abstractions;
using Lumina.Abstractions.Memory;
using Lumina.Core;
using Lumina.Core.Audit;
using Lumina.Core.Auth;
using Lumina.Core.Budgets;
using Lumina.Core.Federation;
using Lumina.Core.Memory;
using Lumina.Core.Policy;
using Lumina.Core.Storage;
using Lumina.Core.Tasks;
using Lumina.Core.Workflows;
using Lumina.Storage.Redis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts every store of a Lumina host in one Redis server that several hosts share.</summary>
public static class RedisStoreServiceCollectionExtensions
{
    /// <summary>The name the backend reports in telemetry and readiness.</summary>
    public const string BackendName = "redis";

    /// <summary>
    /// Adds every store in the Redis server of <c>ConnectionStrings:redis</c>: memory, users and keys, the audit ledger,
    /// budgets, tasks, upstream tools' pins, rate limits and resource notifications (so a change made through one host reaches the clients of
    /// all). Keys start with <c>Lumina:Redis:KeyPrefix</c>. One connection, made when a store first asks for it, serves
    /// them all; a readiness check (tag <c>ready</c>) PINGs it. Calling it again adds nothing twice.
    /// </summary>
    public static ILuminaBuilder AddRedisStores(this ILuminaBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = builder.Services;
        if (services.Any(d => d.ImplementationInstance is LuminaStoreBackend { Name: BackendName }))
        {
            return builder;
        }

        services.AddSingleton(new LuminaStoreBackend(BackendName));
        services.AddOptions<RedisStoreOptions>()
            .Bind(configuration.GetSection(RedisStoreOptions.SectionName))
            .PostConfigure(options =>
            {
                if (configuration[$"{RedisStoreOptions.SectionName}:KeyPrefix"] is null && configuration[RedisStoreOptions.LegacyKeyPrefixSetting] is { } legacy)
                {
                    options.KeyPrefix = legacy;
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisStoreOptions>>(new RedisStoreOptionsValidator(configuration)));
        services.TryAddSingleton(_ => new RedisConnection(configuration));

        services.TryAddKeyedSingleton<ILuminaMemory>(LuminaStoreKeys.Memory, (sp, _) => new RedisMemory(
            Redis(sp),
            KeyPrefix(sp),
            sp.GetRequiredService<IOptions<MemoryOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            new FactEmbedder(sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>())));
        services.TryAddKeyedSingleton<IAuditLedger>(LuminaStoreKeys.Audit, (sp, _) => new RedisAuditLedger(Redis(sp), KeyPrefix(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ILuminaIdentityStore>(sp => new RedisIdentityStore(
            Redis(sp),
            KeyPrefix(sp),
            sp.GetRequiredService<IOptions<LuminaAuthOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IBudgetStore>(sp => new RedisBudgetStore(Redis(sp), KeyPrefix(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IToolPinStore>(sp => new RedisToolPinStore(Redis(sp), KeyPrefix(sp)));
        services.TryAddSingleton<ILuminaTaskStore>(sp => new RedisTaskStore(Redis(sp), KeyPrefix(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IWorkflowRunStore>(sp => new RedisWorkflowRunStore(Redis(sp), KeyPrefix(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IRateLimitStore>(sp => new RedisRateLimitStore(Redis(sp), KeyPrefix(sp), sp.GetRequiredService<TimeProvider>()));

        // Resource changes travel between hosts through Redis and reach this host's clients through its hub.
        services.TryAddSingleton<ILuminaResourceNotifier>(sp => new RedisResourceNotifier(
            Redis(sp),
            sp.GetRequiredService<LuminaResourceChangeHub>(),
            KeyPrefix(sp),
            sp.GetRequiredService<ILogger<RedisResourceNotifier>>()));

        services.AddHealthChecks().AddCheck<RedisStoresHealthCheck>(BackendName, tags: ["ready"], timeout: RedisStoresHealthCheck.Timeout);
        return builder;
    }

    private static StackExchange.Redis.IConnectionMultiplexer Redis(IServiceProvider services) => services.GetRequiredService<RedisConnection>().Multiplexer;

    private static string KeyPrefix(IServiceProvider services) => services.GetRequiredService<IOptions<RedisStoreOptions>>().Value.KeyPrefix;
}
