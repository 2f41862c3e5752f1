using Lumina.Abstractions;
using Lumina.Abstractions.Memory;
using Lumina.Core.Configuration;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Memory;

/// <summary>Registers the memory store chosen by <c>Lumina:Store</c>.</summary>
internal static class MemoryServiceCollectionExtensions
{
    public static void AddLuminaMemory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MemoryOptions>()
            .Bind(configuration.GetSection(MemoryOptions.SectionName))
            .PostConfigure<ILoggerFactory>((options, loggers) => MemoryOptions.ApplyStoreSwitch(options, configuration, loggers))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemoryOptions>>(new MemoryOptionsValidator(configuration)));
        services.TryAddSingleton(_ => new RedisConnection(configuration));
        services.TryAddSingleton<ILuminaMemory>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MemoryOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var embedder = new FactEmbedder(sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
            ILuminaMemory store = options.UsesRedis
                ? RedisConnection.Memory(sp, options, time, embedder)
                : new SqliteMemory(Path.Combine(sp.GetRequiredService<IOptions<LuminaOptions>>().Value.DataDirectory, "memory.db"), options, time, embedder);
            return new InstrumentedMemory(store, options.UsesRedis ? "redis" : "sqlite", sp.GetRequiredService<LuminaTelemetry>(), time);
        });
        // With Redis, resource changes travel between hosts; otherwise they stay on this one.
        services.TryAddSingleton<ILuminaResourceNotifier>(sp => sp.GetRequiredService<IOptions<MemoryOptions>>().Value is { UsesRedis: true } memoryOptions
            ? RedisConnection.ResourceNotifier(sp, memoryOptions)
            : sp.GetRequiredService<LuminaResourceChangeHub>());
        services.TryAddSingleton<IFactStore>(sp => sp.GetRequiredService<ILuminaMemory>());
        services.TryAddSingleton<IContextStore>(sp => sp.GetRequiredService<ILuminaMemory>());
        services.TryAddSingleton<IConversationStore>(sp => sp.GetRequiredService<ILuminaMemory>());
        services.AddHostedService<MemoryStartupCheck>();

        // One instance serves as both filters: the render filter hands the rendered prompt to the invocation filter.
        services.TryAddSingleton<MemoryFilter>();
        services.AddSingleton<IFunctionInvocationFilter>(sp => new TracedFunctionFilter("memory", sp.GetRequiredService<MemoryFilter>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPromptRenderFilter, MemoryFilter>(sp => sp.GetRequiredService<MemoryFilter>()));
    }

}
