using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Core.Audit;
using Lumina.Core.Auth;
using Lumina.Core.Configuration;
using Lumina.Core.Memory;
using Lumina.Core.Plugins;
using Lumina.Core.Policy;
using Lumina.Core.Storage;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Lumina's kernel to a service collection.</summary>
public static class LuminaServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Lumina kernel: options from <paramref name="configuration"/> (its <c>Lumina</c> section), the filters,
    /// the built-in prompts and Lumina's own functions (audit, policy), and plugin assemblies from
    /// <c>Lumina:Plugins:Directories</c>. Add one store backend (<c>AddSqliteStores()</c> or <c>AddRedisStores()</c>)
    /// and the plugins you want; resolve <see cref="Kernel"/> to invoke functions.
    /// </summary>
    /// <remarks>Calling it again adds nothing twice.</remarks>
    public static ILuminaBuilder AddLumina(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var builder = new LuminaBuilder(services);
        if (services.Any(d => d.ServiceType == typeof(LuminaMarker)))
        {
            return builder;
        }

        services.AddSingleton<LuminaMarker>();
        var section = configuration.GetSection(LuminaOptions.SectionName);
        services.AddOptions<LuminaOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LuminaOptions>, LuminaOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.TryAddSingleton<ILuminaCallContextAccessor, LuminaCallContextAccessor>();
        services.TryAddSingleton<LuminaResourceChangeHub>();
        services.TryAddSingleton<ILuminaHostInfo, LuminaHostInfo>();
        services.TryAddSingleton<LuminaPluginRegistry>();
        services.TryAddSingleton<Lumina.Core.Invocation.LuminaInvoker>();
        services.TryAddSingleton<ILuminaHostPaths, LuminaHostPaths>();
        services.TryAddSingleton<ILuminaTools, Lumina.Core.Tools.LuminaKernelTools>();

        // Tool sets (virtual servers): what a caller bound to one, or reaching it by its endpoint, may see and call.
        services.AddOptions<Lumina.Core.ToolSets.ToolSetsOptions>().Configure(o => o.Sets = Lumina.Core.ToolSets.LuminaToolSets.Read(configuration)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Lumina.Core.ToolSets.ToolSetsOptions>, Lumina.Core.ToolSets.ToolSetsOptionsValidator>());
        services.AddOptions<Lumina.Core.Catalog.CatalogOptions>().Bind(configuration.GetSection("Lumina:Catalog")).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Lumina.Core.Catalog.CatalogOptions>, Lumina.Core.Catalog.CatalogOptionsValidator>());
        services.TryAddSingleton<Lumina.Core.Tools.OutputSchemaSnapshot>();
        services.TryAddSingleton(sp => new Lumina.Core.ToolSets.LuminaToolSets(sp.GetRequiredService<IOptions<Lumina.Core.ToolSets.ToolSetsOptions>>().Value.Sets));

        // First of the hosted services: a host without one store backend stops before anything reaches for a store.
        services.AddHostedService<StoreStartupCheck>();

        // Each resolution gets a kernel of its own over the current plugins: a caller may change it freely.
        services.TryAddTransient(sp => sp.GetRequiredService<LuminaPluginRegistry>().CreateKernel());
        services.AddHostedService<PluginDirectoryWatcher>();
        // Kernel filters run in the order they are registered, the first outermost:
        // telemetry → audit → authorization → policy → memory. Audit is outside authorization so refusals are recorded.
        services.TryAddSingleton(sp => new LuminaTelemetry(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<IFunctionInvocationFilter, TelemetryFilter>();
        services.AddLuminaAudit(configuration);
        services.AddLuminaAuth(configuration);
        services.AddLuminaPolicy(configuration);
        services.AddLuminaMemory(configuration);

        builder.AddPlugin<AuditPlugin>(source: "builtin")
            .AddPlugin<PolicyPlugin>(source: "builtin");
        return builder;
    }

    /// <summary>Adds a plugin class, created with its constructor served from the container.</summary>
    public static ILuminaBuilder AddPlugin<TPlugin>(this ILuminaBuilder builder, string? name = null, string source = "code")
        where TPlugin : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new LuminaPluginRegistration(sp => LuminaPluginFactory.Create(typeof(TPlugin), sp, name, source)));
        return builder;
    }

    /// <summary>Adds an existing plugin object.</summary>
    public static ILuminaBuilder AddPlugin(this ILuminaBuilder builder, object plugin, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(plugin);
        builder.Services.AddSingleton(new LuminaPluginRegistration(sp => LuminaPluginFactory.FromObject(plugin, sp.GetService<ILoggerFactory>(), name)));
        return builder;
    }

    private sealed class LuminaMarker;

    private sealed class LuminaBuilder(IServiceCollection services) : ILuminaBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
