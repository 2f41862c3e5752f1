using Lumina.Core.Plugins;
using Lumina.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Core.Tests;

public sealed class PromptDirectoryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lumina-prompts-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void PromptDirectory_FunctionsAreLoadedAsPromptTemplates()
    {
        Write("notes", "shorten", "Shorten: {{$input}}", """{"schema":1,"description":"Shortens text.","input_variables":[{"name":"input","description":"The text.","is_required":true}]}""");
        Write("notes", "broken", "Broken", "{ not json");

        var registry = Build().GetRequiredService<LuminaPluginRegistry>();

        var notes = registry.Plugins.Single(p => p.Name == "notes");
        notes.Functions.Should().ContainSingle().Which.Kind.Should().Be(LuminaFunctionKind.PromptTemplate);
        notes.Functions[0].Description.Should().Be("Shortens text.");
        notes.Functions[0].Template!.InputVariables.Single().Name.Should().Be("input");
    }

    [Fact]
    public void PromptDirectory_BadPluginFolderName_IsSkipped()
    {
        Write("bad name", "f", "x", """{"schema":1,"description":"d"}""");

        Build().GetRequiredService<LuminaPluginRegistry>().Plugins.Should().NotContain(p => p.Name == "bad name");
    }

    private ServiceProvider Build()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lumina:Prompts:Directories:0"] = _folder,
            ["Lumina:DataDirectory"] = TestData.NewDirectory(),
        }).Build();
        var services = new ServiceCollection();
        services.AddLumina(configuration).AddSqliteStores().AddBuiltInPlugins(configuration).AddProviders(configuration);
        return services.BuildServiceProvider();
    }

    private void Write(string plugin, string function, string template, string config)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, plugin, function)).FullName;
        File.WriteAllText(Path.Combine(folder, "skprompt.txt"), template);
        File.WriteAllText(Path.Combine(folder, "config.json"), config);
    }
}
