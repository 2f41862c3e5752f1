using Lumina.Core;
using Lumina.Plugins.Files;
using Lumina.Plugins.Memory;
using Lumina.Plugins.System;
using Lumina.Plugins.Time;
using Lumina.Plugins.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Testing;

/// <summary>The parts of the <c>lumina</c> program's composition that tests of a kernel without the host add.</summary>
public static class TestComposition
{
    /// <summary>The store backend the configuration asks for: Redis when it names a Redis server, SQLite otherwise.</summary>
    public static ILuminaBuilder AddTestStores(this ILuminaBuilder builder, IConfiguration configuration) =>
        configuration.GetConnectionString("redis") is { Length: > 0 }
            ? builder.AddRedisStores(configuration)
            : builder.AddSqliteStores();

    /// <summary>The built-in plugins the <c>lumina</c> program serves (its composition root adds the same five).</summary>
    public static ILuminaBuilder AddBuiltInPlugins(this ILuminaBuilder builder, IConfiguration configuration)
    {
        builder.Services.AddFilesOptions(configuration);
        builder.Services.AddWebOptions(configuration);
        var plugins = builder.AddPlugin<FilesPlugin>(source: "builtin")
            .AddPlugin<TimePlugin>(source: "builtin")
            .AddPlugin<SystemPlugin>(source: "builtin")
            .AddPlugin<MemoryPlugin>(source: "builtin")
            .AddPlugin<WebPlugin>(source: "builtin");

        // web_search only where a search endpoint is configured (Lumina:Web:Search:Kind).
        return WebServiceCollectionExtensions.HasWebSearch(configuration) ? plugins.AddPlugin<WebSearchPlugin>(source: "builtin") : plugins;
    }
}
