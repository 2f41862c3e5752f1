using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Search;
using Lumina.Testing.Contracts;
using Microsoft.Extensions.AI;

namespace Lumina.Core.Tests.Search;

public sealed class ToolSearchIndexTests
{
    private static readonly ToolSearchDocument[] Catalog =
    [
        Tool("github_create_issue", "Create issue", "Open a new issue in a GitHub repository.", ("owner", "Repository owner"), ("title", "Issue title")),
        Tool("gitlab_create_issue", "Create issue", "Create an issue in a GitLab project.", ("project_id", "Project ID"), ("title", "Issue title")),
        Tool("github_list_pull_requests", "List pull requests", "List pull requests in a repository.", ("owner", "Repository owner"), ("state", "open or closed")),
        Tool("slack_post_message", "Post message", "Send a message to a Slack channel.", ("channel", "Channel name"), ("text", "Message text")),
        Tool("weather_get_forecast", "Weather forecast", "Get the forecast for a city.", ("location", "City name"), ("days", "Number of days")),
        Tool("fleet_rent", "Rent", "Reserve one for the weekend.", ("pickup_date", "When to collect the truck")),
    ];

    [Theory]
    [InlineData("github_create_issue", new[] { "github", "create", "issue" })]
    [InlineData("listPullRequests", new[] { "list", "pull", "requests", "listpullrequests" })]
    [InlineData("repo-name", new[] { "repo", "name" })]
    [InlineData("user.email", new[] { "user", "email" })]
    [InlineData("HTTPServerName", new[] { "http", "server", "name", "httpservername" })]
    public void Identifier_SnakeCamelKebabAndDots_SplitIntoWords(string identifier, string[] expected) =>
        ToolSearchText.Identifier(identifier).Should().Equal(expected);

    [Fact]
    public void Search_ServerAndAction_RanksThatToolFirst()
    {
        var hits = new ToolSearchIndex(Catalog).Search("create an issue on GitHub", 5);

        hits.Select(h => h.Tool.Name).Should().StartWith(["github_create_issue", "gitlab_create_issue"]);
        hits.Select(h => h.Score).Should().BeInDescendingOrder();
    }

    [Fact]
    public void Search_ParameterDescription_IsSearched() =>
        new ToolSearchIndex(Catalog).Search("truck", 5).Select(h => h.Tool.Name).Should().Equal("fleet_rent");

    [Fact]
    public void Search_RelatedWord_FindsToolWithoutASharedWord() =>
        new ToolSearchIndex(Catalog).Search("ticket", 5).Select(h => h.Tool.Name).Should().Contain("github_create_issue");

    [Fact]
    public void Search_Limit_CapsTheResults()
    {
        var index = new ToolSearchIndex(Catalog);

        index.Search("issue", 1).Should().ContainSingle();
        index.Search("issue", 0).Should().BeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("?! …")]
    [InlineData("zzzz qqqq")]
    public void Search_NothingToMatch_FindsNothing(string query) => new ToolSearchIndex(Catalog).Search(query, 5).Should().BeEmpty();

    [Fact]
    public void Constructor_ListedTools_IndexesTheirSchemas()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"path":{"type":"string","description":"File to read"}}}""").RootElement;
        var index = new ToolSearchIndex([new LuminaToolInfo("files_read", "Reads a text file.", schema)]);

        index.Find("files_read").Should().NotBeNull();
        index.Search("path", 5).Should().ContainSingle().Which.Tool.Name.Should().Be("files_read");
    }

    [Fact]
    public async Task SearchAsync_NoGenerator_IsSearch()
    {
        var index = new ToolSearchIndex(Catalog);

        (await index.SearchAsync("create issue", 5, generator: null)).Should().Equal(index.Search("create issue", 5));
    }

    [Fact]
    public async Task SearchAsync_Generator_FindsByMeaningAndEmbedsToolsOnce()
    {
        using var generator = new CountingEmbeddings(new ConceptEmbeddings());
        var index = new ToolSearchIndex(Catalog);

        // "automobile" shares no word with any tool; the concept embedding puts it beside the truck of fleet_rent.
        index.Search("automobile", 5).Should().BeEmpty();
        var hits = await index.SearchAsync("automobile", 3, generator);
        hits.Should().HaveCount(3);
        hits[0].Tool.Name.Should().Be("fleet_rent");

        // Both rankings agree on fleet_rent for "truck": its fused score is the sum of two first places.
        var fused = await index.SearchAsync("truck", 3, generator);
        fused[0].Tool.Name.Should().Be("fleet_rent");
        fused[0].Score.Should().BeApproximately(2 / (ReciprocalRankFusion.K + 1), 1e-12);

        generator.Inputs.Should().Be(Catalog.Length + 2, "the tools are embedded once, then only each query");
    }

    [Fact]
    public void Fuse_TwoRankings_SumsReciprocalRanks()
    {
        var fused = ReciprocalRankFusion.Fuse(s => s, ["a", "b"], ["b", "c"]);

        fused.Select(f => f.Item).Should().Equal("a", "b", "c");
        fused.Single(f => f.Item == "b").Score.Should().BeApproximately((1 / 62.0) + (1 / 61.0), 1e-12);
    }

    private static ToolSearchDocument Tool(string name, string title, string description, params (string Name, string Description)[] parameters)
    {
        var properties = parameters.ToDictionary(p => p.Name, p => new { type = "string", description = p.Description });
        var schema = JsonSerializer.SerializeToElement(new { type = "object", properties });
        return new ToolSearchDocument(name, title, description, schema);
    }

    private sealed class CountingEmbeddings(IEmbeddingGenerator<string, Embedding<float>> inner)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        private int _inputs;

        public int Inputs => _inputs;

        public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = values.ToList();
            Interlocked.Add(ref _inputs, list.Count);
            return base.GenerateAsync(list, options, cancellationToken);
        }
    }
}
