using System.ComponentModel;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Plugins.Web;

/// <summary>
/// Searches the web through the configured endpoint (<c>Lumina:Web:Search</c>: SearXNG or Brave). The host serves it
/// only when an endpoint is configured.
/// </summary>
/// <remarks>
/// The endpoint is the operator's choice, so it is called directly rather than through the SSRF guard; the result
/// URLs are only returned, and fetching one goes through <c>web_fetch</c> and its guard. The API key goes in a
/// header and never into a message.
/// </remarks>
[LuminaRequires(LuminaPermission.Read)]
[LuminaPlugin("web_search", Description = "Searches the web through the configured search endpoint and returns titles, URLs and snippets.")]
public sealed class WebSearchPlugin : IDisposable
{
    private const int MaxQueryLength = 400;

    private readonly WebOptions _options;
    private readonly WebSearchOptions _search;
    private readonly HttpClient _client;

    /// <summary>Creates the plugin.</summary>
    /// <param name="options">The endpoint (<c>Lumina:Web:Search</c>), the byte cap and the timeout.</param>
    public WebSearchPlugin(WebOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _search = options.Search;
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.All })
        {
            Timeout = options.Timeout,
            MaxResponseContentBufferSize = options.MaxBytes,
        };
    }

    /// <summary>Releases the HTTP connections the plugin holds.</summary>
    public void Dispose() => _client.Dispose();

    /// <summary>Searches the web.</summary>
    [KernelFunction("search")]
    [Description("Searches the web and returns the results' titles, URLs and snippets, best first. Read a result with web_fetch.")]
    [LuminaTool(Name = "web_search", Title = "Search the web", ReadOnly = true, OpenWorld = true)]
    public async Task<WebSearchResults> SearchAsync(
        [Description("What to search for, as you would type it into a search engine.")] string query,
        CancellationToken cancellationToken = default)
    {
        var text = query?.Trim() ?? string.Empty;
        if (text.Length == 0 || text.Length > MaxQueryLength)
        {
            throw new LuminaRefusalException($"query must be 1 to {MaxQueryLength} characters.");
        }

        if (!_search.IsConfigured)
        {
            throw new LuminaRefusalException(LuminaRefusalKind.Unavailable, "No search endpoint is configured (Lumina:Web:Search:Kind).");
        }

        var brave = _search.Kind!.Trim().Equals("brave", StringComparison.OrdinalIgnoreCase);
        using var request = new HttpRequestMessage(HttpMethod.Get, RequestUri(brave, text));
        request.Headers.UserAgent.ParseAdd(_options.UserAgent);
        request.Headers.Accept.ParseAdd("application/json");
        if (brave)
        {
            request.Headers.Add("X-Subscription-Token", _search.ApiKey);
        }

        string body;
        try
        {
            using var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new LuminaRefusalException(LuminaRefusalKind.Unavailable, $"The search endpoint answered {(int)response.StatusCode}.");
            }

            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LuminaRefusalException(LuminaRefusalKind.Unavailable, $"The search endpoint could not be reached ({ex.HttpRequestError}).");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LuminaRefusalException(LuminaRefusalKind.Unavailable, FormattableString.Invariant($"The search endpoint did not answer within {_options.Timeout.TotalSeconds:0.###} s (Lumina:Web:Timeout)."));
        }

        try
        {
            return new WebSearchResults(text, Parse(body, brave));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new LuminaRefusalException(LuminaRefusalKind.Unavailable, "The search endpoint's answer is not the JSON it should send.");
        }
    }

    private Uri RequestUri(bool brave, string query)
    {
        var escaped = Uri.EscapeDataString(query);
        var count = _search.MaxResults.ToString(CultureInfo.InvariantCulture);
        if (brave)
        {
            var endpoint = string.IsNullOrWhiteSpace(_search.Endpoint) ? WebSearchOptions.BraveEndpoint : _search.Endpoint;
            return new Uri($"{endpoint}{(endpoint.Contains('?', StringComparison.Ordinal) ? '&' : '?')}q={escaped}&count={count}");
        }

        return new Uri($"{_search.Endpoint!.TrimEnd('/')}/search?q={escaped}&format=json");
    }

    private List<WebSearchHit> Parse(string body, bool brave)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var results = brave
            ? root.TryGetProperty("web", out var web) && web.TryGetProperty("results", out var braveResults) ? braveResults : default
            : root.TryGetProperty("results", out var searxResults) ? searxResults : default;
        var hits = new List<WebSearchHit>();
        if (results.ValueKind != JsonValueKind.Array)
        {
            return hits;
        }

        foreach (var item in results.EnumerateArray())
        {
            var url = Text(item, "url");
            if (url.Length == 0)
            {
                continue;
            }

            hits.Add(new WebSearchHit(Text(item, "title"), url, Text(item, brave ? "description" : "content")));
            if (hits.Count >= _search.MaxResults)
            {
                break;
            }
        }

        return hits;
    }

    private static string Text(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : string.Empty;
}
