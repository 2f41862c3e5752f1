using System.Net;
using System.Text;
using Lumina.Abstractions;

namespace Lumina.Plugins.Web.Tests;

/// <summary>web_search against scripted SearXNG and Brave endpoints on loopback.</summary>
public sealed class WebSearchTests : IAsyncLifetime
{
    private readonly List<ScriptedRequest> _requests = [];
    private ScriptedWebServer _server = null!;

    public Task InitializeAsync()
    {
        _server = new ScriptedWebServer(IPAddress.Loopback, AnswerAsync);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Endpoint => $"http://127.0.0.1:{_server.Port}";

    private static WebSearchPlugin Plugin(string kind, string? endpoint, string? key = null, int maxResults = 10) => new(new WebOptions
    {
        Timeout = TimeSpan.FromSeconds(10),
        Search = new WebSearchOptions { Kind = kind, Endpoint = endpoint, ApiKey = key, MaxResults = maxResults },
    });

    private async Task AnswerAsync(ScriptedRequest request, Stream stream, CancellationToken ct)
    {
        lock (_requests)
        {
            _requests.Add(request);
        }

        var query = request.Query("q");
        if (request.Path == "/searx/search" && request.Query("format") == "json")
        {
            var json = $$"""{"query":"{{query}}","results":[{"title":"First {{query}}","url":"https://one.example/a","content":"the first"},{"title":"Second","url":"https://two.example/b","content":"the second"},{"title":"No url"}]}""";
            await ScriptedWebServer.WriteAsync(stream, 200, "application/json", Encoding.UTF8.GetBytes(json), ct);
        }
        else if (request.Path == "/brave" && request.Headers.TryGetValue("X-Subscription-Token", out var token) && token == "secret-key")
        {
            var json = $$$"""{"type":"search","web":{"results":[{"title":"Brave {{{query}}}","url":"https://three.example/","description":"from brave"}]}}""";
            await ScriptedWebServer.WriteAsync(stream, 200, "application/json", Encoding.UTF8.GetBytes(json), ct);
        }
        else if (request.Path == "/broken")
        {
            await ScriptedWebServer.WriteAsync(stream, 200, "application/json", "not json"u8.ToArray(), ct);
        }
        else
        {
            await ScriptedWebServer.WriteAsync(stream, 401, "text/plain", "no"u8.ToArray(), ct);
        }
    }

    [Fact]
    public async Task Search_SearxNg_ReturnsHitsWithUrls()
    {
        using var plugin = Plugin("searxng", Endpoint + "/searx/");

        var found = await plugin.SearchAsync("kestrel bay");

        found.Query.Should().Be("kestrel bay");
        found.Results.Should().Equal(
            new WebSearchHit("First kestrel bay", "https://one.example/a", "the first"),
            new WebSearchHit("Second", "https://two.example/b", "the second"));
    }

    [Fact]
    public async Task Search_MaxResults_CutsTheList()
    {
        using var plugin = Plugin("searxng", Endpoint + "/searx", maxResults: 1);

        (await plugin.SearchAsync("x")).Results.Should().ContainSingle();
    }

    [Fact]
    public async Task Search_Brave_SendsTheKeyInAHeader()
    {
        using var plugin = Plugin("brave", Endpoint + "/brave", "secret-key");

        var found = await plugin.SearchAsync("boats");

        found.Results.Should().Equal(new WebSearchHit("Brave boats", "https://three.example/", "from brave"));
        _requests.Should().ContainSingle().Which.PathAndQuery.Should().NotContain("secret-key");
    }

    [Fact]
    public async Task Search_EndpointRefuses_IsUnavailable_WithoutTheKey()
    {
        using var plugin = Plugin("brave", Endpoint + "/brave", "wrong-key");

        var search = () => plugin.SearchAsync("boats");

        var refusal = (await search.Should().ThrowAsync<LuminaRefusalException>()).Which;
        refusal.Kind.Should().Be(LuminaRefusalKind.Unavailable);
        refusal.Message.Should().Contain("401").And.NotContain("wrong-key");
    }

    [Fact]
    public async Task Search_NotJson_IsUnavailable()
    {
        using var plugin = Plugin("searxng", Endpoint + "/broken-base");

        var search = () => plugin.SearchAsync("boats");

        (await search.Should().ThrowAsync<LuminaRefusalException>()).Which.Kind.Should().Be(LuminaRefusalKind.Unavailable);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Search_EmptyQuery_IsRefused(string query)
    {
        using var plugin = Plugin("searxng", Endpoint);

        var search = () => plugin.SearchAsync(query);

        (await search.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain("query must be");
    }

    [Theory]
    [InlineData("bing", null, null, "Lumina:Web:Search:Kind")]
    [InlineData("searxng", null, null, "Lumina:Web:Search:Endpoint")]
    [InlineData("searxng", "file:///tmp", null, "Lumina:Web:Search:Endpoint")]
    [InlineData("brave", null, null, "Lumina:Web:Search:ApiKey")]
    public void Validate_BadSearchSettings_NameTheSetting(string kind, string? endpoint, string? key, string named)
    {
        var options = new WebOptions { Search = new WebSearchOptions { Kind = kind, Endpoint = endpoint, ApiKey = key } };

        WebOptions.Validate(options).Should().ContainSingle().Which.Should().Contain(named);
    }

    [Fact]
    public void Validate_BraveWithKey_UsesThePublicEndpoint()
    {
        WebOptions.Validate(new WebOptions { Search = new WebSearchOptions { Kind = "brave", ApiKey = "k" } }).Should().BeEmpty();
    }
}
