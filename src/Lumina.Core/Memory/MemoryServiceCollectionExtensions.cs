using Lumina.Abstractions.Memory;
using Lumina.Core.Storage;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Memory;

/// <summary>Registers memory as the host serves it (over the store backend's own) and the memory filter.</summary>
internal static class MemoryServiceCollectionExtensions
{
    public static void AddLuminaMemory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MemoryOptions>().Bind(configuration.GetSection(MemoryOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemoryOptions>, MemoryOptionsValidator>());

        // The backend's store, served inside the telemetry decorator that names the backend.
        services.TryAddSingleton<ILuminaMemory>(sp => new InstrumentedMemory(
            sp.GetRequiredKeyedService<ILuminaMemory>(LuminaStoreKeys.Memory),
            StoreBackends.Single(sp).Name,
            sp.GetRequiredService<LuminaTelemetry>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IFactStore>(sp => sp.GetRequiredService<ILuminaMemory>());
        services.TryAddSingleton<IContextStore>(sp => sp.GetRequiredService<ILuminaMemory>());
        services.TryAddSingleton<IConversationStore>(sp => sp.GetRequiredService<ILuminaMemory>());

        // One instance serves as both filters: the render filter hands the rendered prompt to the invocation filter.
        services.TryAddSingleton<MemoryFilter>();
        services.AddSingleton<IFunctionInvocationFilter>(sp => new TracedFunctionFilter("memory", sp.GetRequiredService<MemoryFilter>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPromptRenderFilter, MemoryFilter>(sp => sp.GetRequiredService<MemoryFilter>()));
    }
}
