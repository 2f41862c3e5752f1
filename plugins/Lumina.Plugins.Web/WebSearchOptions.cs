namespace Lumina.Plugins.Web;

/// <summary>The search endpoint behind <c>web_search</c>, bound from <c>Lumina:Web:Search</c>; without a kind, no search tool is served.</summary>
public sealed class WebSearchOptions
{
    /// <summary>The Brave Search API's web search endpoint, used when <see cref="Endpoint"/> is not set for <c>brave</c>.</summary>
    public const string BraveEndpoint = "https://api.search.brave.com/res/v1/web/search";

    /// <summary><c>searxng</c> or <c>brave</c>; empty serves no search tool.</summary>
    /// <value>The default value is empty.</value>
    public string? Kind { get; set; }

    /// <summary>
    /// The endpoint: a SearXNG instance's base address (its JSON format must be enabled), or Brave's web search URL.
    /// Set by the operator, so it is not put through the SSRF guard (a SearXNG on the intranet is the usual case).
    /// </summary>
    /// <value>The default value is empty (required for searxng; Brave's public endpoint for brave).</value>
    public string? Endpoint { get; set; }

    /// <summary>The API key (Brave's subscription token); from the environment, never a committed file.</summary>
    /// <value>The default value is empty.</value>
    public string? ApiKey { get; set; }

    /// <summary>The most results one search returns.</summary>
    /// <value>The default value is 10.</value>
    public int MaxResults { get; set; } = 10;

    /// <summary>Whether a search endpoint is configured (a kind is set).</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Kind);

    /// <summary>Adds one message per problem to <paramref name="errors"/>, each naming the setting.</summary>
    internal void Validate(List<string> errors)
    {
        if (!IsConfigured)
        {
            return;
        }

        var kind = Kind!.Trim().ToLowerInvariant();
        if (kind is not ("searxng" or "brave"))
        {
            errors.Add($"Lumina:Web:Search:Kind must be searxng or brave (got '{Kind}').");
            return;
        }

        var endpoint = string.IsNullOrWhiteSpace(Endpoint) && kind == "brave" ? BraveEndpoint : Endpoint;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            errors.Add("Lumina:Web:Search:Endpoint must be an absolute http or https URL without user information.");
        }

        if (kind == "brave" && string.IsNullOrWhiteSpace(ApiKey))
        {
            errors.Add("Lumina:Web:Search:ApiKey is required for brave (set it in the environment: Lumina__Web__Search__ApiKey).");
        }

        if (MaxResults is < 1 or > 50)
        {
            errors.Add("Lumina:Web:Search:MaxResults must be between 1 and 50.");
        }
    }
}
