using Lumina.Core;
using Lumina.Plugins.Exec;
using Lumina.Plugins.Files;
using Lumina.Plugins.Memory;
using Lumina.Plugins.System;
using Lumina.Plugins.Time;
using Lumina.Plugins.Web;
using Microsoft.Extensions.Options;

namespace Lumina.Host;

/// <summary>
/// The composition root: what the <c>lumina</c> program puts into its kernel — the store <c>Lumina:Store</c> names, the
/// providers of <c>Lumina:Providers</c> and the built-in plugins. Both servers (stdio and HTTP) and the commands that
/// open the stores compose the same way.
/// </summary>
internal static class LuminaComposition
{
    /// <summary>Adds Lumina's kernel as the <c>lumina</c> program serves it.</summary>
    /// <exception cref="OptionsValidationException"><c>Lumina:Store</c> names no store, or Redis without its connection string.</exception>
    public static ILuminaBuilder AddLuminaServer(this IServiceCollection services, IConfiguration configuration)
    {
        var store = LuminaStoreSwitch.Read(configuration);
        var builder = services.AddLumina(configuration);
        _ = store.UsesRedis ? builder.AddRedisStores(configuration) : builder.AddSqliteStores();
        builder.AddFederation(configuration);
        builder.AddWorkflows(configuration);
        if (store.Deprecated)
        {
            services.AddHostedService<DeprecatedStoreSettingWarning>();
        }

        return builder.AddBuiltInPlugins(configuration).AddProviders(configuration);
    }

    /// <summary>
    /// The plugins every <c>lumina</c> host serves: files within the allowed roots, time, system, memory, web (behind
    /// its SSRF guard) and — where the sandbox works — exec.
    /// </summary>
    public static ILuminaBuilder AddBuiltInPlugins(this ILuminaBuilder builder, IConfiguration configuration)
    {
        builder.Services.AddFilesOptions(configuration);
        builder.Services.AddWebOptions(configuration);
        var exec = builder.Services.AddExec(configuration);
        var plugins = builder.AddPlugin<FilesPlugin>(source: "builtin")
            .AddPlugin<TimePlugin>(source: "builtin")
            .AddPlugin<SystemPlugin>(source: "builtin")
            .AddPlugin<MemoryPlugin>(source: "builtin")
            .AddPlugin<WebPlugin>(source: "builtin");

        // Search mode's meta-tools (tools_search, tools_describe, tools_call) where Lumina:Catalog:Mode asks for them.
        var catalog = new Lumina.Core.Catalog.CatalogOptions();
        configuration.GetSection("Lumina:Catalog").Bind(catalog);
        if (catalog.ServesSearch)
        {
            plugins = plugins.AddPlugin<Lumina.Core.Catalog.ToolCatalogPlugin>(source: "builtin");
        }

        // exec only where the start-up probe found a working sandbox; ExecStartupReport logs why not.
        if (exec.Available)
        {
            plugins = plugins.AddPlugin<ExecPlugin>(source: "builtin");
        }

        // web_search only where a search endpoint is configured (Lumina:Web:Search:Kind).
        return WebServiceCollectionExtensions.HasWebSearch(configuration) ? plugins.AddPlugin<WebSearchPlugin>(source: "builtin") : plugins;
    }
}
