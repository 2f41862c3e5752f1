using System.Reflection;
using Lumina.Core.Plugins;
using Lumina.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Lumina.Core.Tests;

public sealed class PluginLoadingTests : IDisposable
{
    private static readonly string s_pluginBuild = Path.GetFullPath(typeof(PluginLoadingTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ConformancePluginDirectory").Value!);

    private readonly string _folder = Directory.CreateTempSubdirectory("lumina-plugins-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void PluginDirectory_AssemblyIsLoadedInItsOwnLoadContext()
    {
        CopyPlugin(_folder);
        using var provider = Build();

        var registry = provider.GetRequiredService<LuminaPluginRegistry>();
        var loaded = registry.Plugins.Where(p => p.Source.StartsWith("assembly:", StringComparison.Ordinal)).ToList();
        var plugin = loaded.Single(p => p.Functions.Any(f => f.Tool?.Name == "test_simple_text"));

        loaded.Should().OnlyContain(p => p.Source == plugin.Source, "every plugin class of the assembly comes from the one file");
        var type = plugin.Functions[0].Function.UnderlyingMethod!.DeclaringType!;
        System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(type.Assembly)!.Name.Should().StartWith("lumina-plugin:");
        System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(typeof(Lumina.Abstractions.LuminaToolAttribute).Assembly)
            .Should().BeSameAs(System.Runtime.Loader.AssemblyLoadContext.Default, "contracts are shared with the host");
    }

    [Fact]
    public void PluginDirectory_SubfolderNamedAfterTheAssembly_IsLoaded()
    {
        CopyPlugin(Path.Combine(_folder, "Lumina.Conformance.Plugin"));
        using var provider = Build();

        provider.GetRequiredService<LuminaPluginRegistry>().Plugins.Should().Contain(p => p.Source.Contains("Lumina.Conformance.Plugin", StringComparison.Ordinal));
    }

    [Fact]
    public void PluginDirectory_BrokenAssembly_IsSkippedAndTheRestLoads()
    {
        File.WriteAllText(Path.Combine(_folder, "Broken.dll"), "this is not an assembly");
        CopyPlugin(_folder);
        using var provider = Build();

        var plugins = provider.GetRequiredService<LuminaPluginRegistry>().Plugins;

        plugins.Should().Contain(p => p.Source.EndsWith("Lumina.Conformance.Plugin.dll", StringComparison.Ordinal));
        plugins.Select(p => p.Name).Should().Contain("time");
    }

    [Fact]
    public async Task Watcher_AssemblyCopiedAtRunTime_IsLoadedAndRaisesChanged()
    {
        using var host = Host.CreateDefaultBuilder()
            .ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?> { ["Lumina:Plugins:Directories:0"] = _folder, ["Lumina:DataDirectory"] = TestData.NewDirectory() }))
            .ConfigureServices((context, services) => services.AddLumina(context.Configuration).AddSqliteStores().AddBuiltInPlugins(context.Configuration).AddProviders(context.Configuration))
            .Build();
        var registry = host.Services.GetRequiredService<LuminaPluginRegistry>();
        registry.Plugins.Should().NotContain(p => p.Source.StartsWith("assembly:", StringComparison.Ordinal), "the folder starts empty");
        var changed = new TaskCompletionSource();
        registry.Changed += (_, _) => changed.TrySetResult();
        await host.StartAsync();

        CopyPlugin(_folder);
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(60));

        registry.Plugins.Should().Contain(p => p.Source.StartsWith("assembly:", StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public void Replace_SwapsASourcesPluginInOneStep_AndRefusesANameAnotherSourceServes()
    {
        using var provider = Build();
        var registry = provider.GetRequiredService<LuminaPluginRegistry>();
        var seen = new List<string>();
        registry.Changed += (_, _) => seen.Add(string.Join(",", registry.Plugins.Where(p => p.Source == "upstream:demo").SelectMany(p => p.Functions).Select(f => f.Function.Name)));

        registry.Replace(Plugin("demo", "upstream:demo", "first")).Should().BeTrue();
        registry.Replace(Plugin("demo", "upstream:demo", "second")).Should().BeTrue();
        var clash = registry.Replace(Plugin("time", "upstream:other", "third"));

        seen.Should().Equal(["first", "second"], "every change shows the source's plugin, never an empty moment");
        clash.Should().BeFalse();
        registry.Plugins.Single(p => p.Name == "time").Source.Should().NotBe("upstream:other");
        registry.Plugins.Where(p => p.Source == "upstream:demo").SelectMany(p => p.Functions).Select(f => f.Function.Name).Should().Equal("second");
    }

    private static LuminaPlugin Plugin(string name, string source, string function) =>
        LuminaPluginFactory.FromFunctions(name, "A test plugin.", [Microsoft.SemanticKernel.KernelFunctionFactory.CreateFromMethod(() => function, function)], source);

    private ServiceProvider Build()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Lumina:Plugins:Directories:0"] = _folder, ["Lumina:DataDirectory"] = TestData.NewDirectory() })
            .Build();
        var services = new ServiceCollection();
        services.AddLumina(configuration).AddSqliteStores().AddBuiltInPlugins(configuration).AddProviders(configuration);
        return services.BuildServiceProvider();
    }

    private static void CopyPlugin(string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(s_pluginBuild, "Lumina.Conformance.Plugin.*"))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)), overwrite: true);
        }
    }
}
