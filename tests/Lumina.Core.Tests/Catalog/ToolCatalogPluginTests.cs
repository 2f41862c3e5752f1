using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Catalog;
using Lumina.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Core.Tests.Catalog;

/// <summary>The search-mode meta-tools over the committed 430-tool catalog: the measured recall through tools_search itself, and nothing the caller may not call.</summary>
public sealed class ToolCatalogPluginTests
{
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "Data");

    private static List<LuminaToolInfo> Catalog() =>
        [.. ToolSearchData.Catalog(Data).Select(t => new LuminaToolInfo(t.GetProperty("name").GetString()!, t.GetProperty("description").GetString()!, t.GetProperty("inputSchema").Clone(), t.TryGetProperty("title", out var title) ? title.GetString() : null))];

    private static ToolCatalogPlugin Plugin(CatalogTools tools) => new(tools, new ServiceCollection().BuildServiceProvider());

    [Fact]
    public async Task ToolsSearch_OnTheCatalog_FindsTheLabelledToolInItsTopFive()
    {
        var plugin = Plugin(new CatalogTools(Catalog()));
        var queries = ToolSearchData.Queries(Data);
        var answers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var query in queries)
        {
            answers[query.Query] = [.. (await plugin.SearchAsync(query.Query, 10)).Tools.Select(t => t.Name)];
        }

        var quality = ToolSearchData.Evaluate(queries, q => answers[q]);

        quality.RecallAt5.Should().BeGreaterThanOrEqualTo(0.9);
    }

    [Fact]
    public async Task ToolsSearch_NeverShowsWhatTheCallerMayNotCall()
    {
        var visible = Catalog().Where(t => !t.Name.StartsWith("github_", StringComparison.Ordinal)).ToList();
        var plugin = Plugin(new CatalogTools(visible));

        var found = await plugin.SearchAsync("open an issue in the GitHub repository about the login crash", 20);

        found.Tools.Should().NotBeEmpty().And.OnlyContain(t => !t.Name.StartsWith("github_", StringComparison.Ordinal));
        found.Total.Should().Be(visible.Count);
        var describe = () => plugin.Describe("github_create_issue");
        describe.Should().Throw<LuminaRefusalException>().WithMessage("*no tool named 'github_create_issue' for you*");
    }

    [Fact]
    public async Task ToolsCall_GoesThroughTheCallersTools_NeverIntoItself()
    {
        var tools = new CatalogTools(Catalog());
        var plugin = Plugin(tools);
        using var arguments = JsonDocument.Parse("""{"owner":"acme"}""");

        await plugin.CallAsync("github_list_issues", arguments.RootElement);
        var empty = async () => await plugin.SearchAsync(" ", 5);
        var tooMany = async () => await plugin.SearchAsync("files", 21);

        tools.Calls.Should().Equal(("github_list_issues", """{"owner":"acme"}""", "tools"));
        await empty.Should().ThrowAsync<LuminaRefusalException>().WithMessage("query is empty*");
        await tooMany.Should().ThrowAsync<LuminaRefusalException>().WithMessage("limit must be between 1 and 20*");
    }

    /// <summary>The caller's tools: a fixed list, and the calls made through it.</summary>
    private sealed class CatalogTools(IReadOnlyList<LuminaToolInfo> tools) : ILuminaTools
    {
        public List<(string Name, string Arguments, string Excluded)> Calls { get; } = [];

        public IReadOnlyList<LuminaToolInfo> List(IEnumerable<string>? excludedPlugins = null) => tools;

        public Task<JsonElement> CallAsync(string name, JsonElement arguments, IEnumerable<string>? excludedPlugins = null, CancellationToken cancellationToken = default)
        {
            Calls.Add((name, arguments.GetRawText(), string.Join(",", excludedPlugins ?? [])));
            return Task.FromResult(JsonDocument.Parse("{}").RootElement.Clone());
        }
    }
}
