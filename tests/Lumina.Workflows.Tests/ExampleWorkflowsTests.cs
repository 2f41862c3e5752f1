using System.Reflection;
using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Providers;
using Lumina.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Workflows.Tests;

/// <summary>The files in <c>workflows/</c>, validated against the tools a real Lumina kernel serves.</summary>
public sealed class ExampleWorkflowsTests
{
    private static readonly string s_directory = typeof(ExampleWorkflowsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "WorkflowsDirectory").Value!;

    public static TheoryData<string> Files() => [.. Directory.GetFiles(s_directory, "*.yaml").Select(Path.GetFileName).OfType<string>()];

    [Fact]
    public void Folder_HasTheExamples() =>
        Directory.GetFiles(s_directory, "*.yaml").Select(Path.GetFileName).Should().Contain(["review_changes.yaml", "research_page.yaml", "triage.yaml"]);

    [Theory]
    [MemberData(nameof(Files))]
    public void Load_Example_IsValidAgainstTheRealTools(string file)
    {
        var catalog = RealCatalog();

        var workflow = WorkflowLoader.Load(Path.Combine(s_directory, file), catalog);

        workflow.ToolName.Should().Be("workflow_" + Path.GetFileNameWithoutExtension(file));
    }

    [Fact]
    public void RealCatalog_HasTheToolsTheExamplesCall() =>
        RealCatalog().Names.Should().Contain(["files_list", "files_read", "files_write", "web_fetch", "text_summarize", "memory_remember", "ask"]);

    // The tools as an MCP client of a default lumina host lists them: built-in plugins, built-in prompts and ask.
    private static WorkflowCatalog RealCatalog()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Lumina:DataDirectory"] = TestData.NewDirectory() })
            .Build();
        var services = new ServiceCollection();
        services.AddLumina(configuration).AddSqliteStores().AddBuiltInPlugins(configuration).AddProviders(configuration);
        using var provider = services.BuildServiceProvider();
        using var scope = provider.GetRequiredService<ILuminaCallContextAccessor>()
            .Push(new LuminaCallContext(new LuminaCaller("ada", "Ada", "admin", LuminaTransport.Http, IsAuthenticated: true)));
        return new WorkflowCatalog(provider.GetRequiredService<ILuminaTools>().List());
    }
}
