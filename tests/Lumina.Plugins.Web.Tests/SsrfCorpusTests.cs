using System.Text.Json;
using Lumina.Abstractions;

namespace Lumina.Plugins.Web.Tests;

/// <summary>
/// The committed hostile corpus (Data/ssrf-corpus.json): every case is fetched through the plugin over real HTTP on
/// loopback, must end as the corpus expects, and must reach none of the canaries listening on forbidden addresses.
/// </summary>
public sealed class SsrfCorpusTests(WebTestSite site) : IClassFixture<WebTestSite>
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private static readonly Lazy<Dictionary<string, CorpusCase>> s_cases = new(Load);

    public static TheoryData<string> CaseIds()
    {
        var data = new TheoryData<string>();
        foreach (var id in s_cases.Value.Keys)
        {
            data.Add(id);
        }

        return data;
    }

    [Fact]
    public void Corpus_IsLargeAndCoversEveryOutcome()
    {
        var cases = s_cases.Value.Values.ToList();
        cases.Should().HaveCountGreaterThanOrEqualTo(60);
        cases.Select(c => c.Expect).Distinct().Should().BeEquivalentTo("ok", "forbidden", "invalid", "notFound", "tooLarge", "unavailable");
        cases.Count(c => c.Url.Contains("/redirect", StringComparison.Ordinal) || c.Url.Contains("/chain", StringComparison.Ordinal)).Should().BeGreaterThanOrEqualTo(15);
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public async Task Case_EndsAsExpected_AndReachesNoCanary(string id)
    {
        var corpusCase = s_cases.Value[id];
        var resolver = new MapResolver();
        using var plugin = WebTestOptions.Plugin(WebTestOptions.Profile(corpusCase.Profile), resolver);
        var canariesBefore = site.CanaryConnections;

        var outcome = "ok";
        string? message = null;
        try
        {
            await plugin.FetchAsync(site.Expand(corpusCase.Url), "raw");
        }
        catch (LuminaRefusalException ex)
        {
            message = ex.Message;
            outcome = ex.Kind switch
            {
                LuminaRefusalKind.Forbidden => "forbidden",
                LuminaRefusalKind.InvalidArgument => "invalid",
                LuminaRefusalKind.NotFound => "notFound",
                LuminaRefusalKind.TooLarge => "tooLarge",
                LuminaRefusalKind.Unavailable => "unavailable",
                _ => ex.Kind.ToString(),
            };
        }

        outcome.Should().Be(corpusCase.Expect, "case {0} ({1}) ended with: {2}", id, corpusCase.Url, message);
        site.CanaryConnections.Should().Be(canariesBefore, "case {0} must reach no forbidden address", id);
        if (corpusCase.Url.Contains("flip.test", StringComparison.Ordinal))
        {
            resolver.Resolutions.Should().Be(1, "the name is resolved once and the connection goes to that address");
        }
    }

    private static Dictionary<string, CorpusCase> Load()
    {
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Data", "ssrf-corpus.json"));
        var corpus = JsonSerializer.Deserialize<Corpus>(stream, s_json)!;
        return corpus.Cases.ToDictionary(c => c.Id, StringComparer.Ordinal);
    }

    private sealed record Corpus(IReadOnlyList<CorpusCase> Cases);

    private sealed record CorpusCase(string Id, string Profile, string Url, string Expect, string? Note);
}
