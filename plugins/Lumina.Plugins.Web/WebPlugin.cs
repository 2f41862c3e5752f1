using System.ComponentModel;
using System.Text;
using Lumina.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Lumina.Plugins.Web;

/// <summary>
/// Reads web pages for the model: the main content of a page as Markdown (or text, HTML, the raw body), paged, through
/// an SSRF guard that keeps the host's own networks out of reach.
/// </summary>
/// <remarks>
/// Every URL, and every redirect's target, goes through <see cref="SsrfGuard"/>; connections go only to the addresses
/// it vetted. Settings are under <c>Lumina:Web</c> (<see cref="WebOptions"/>); docs/web.md has the threat model.
/// </remarks>
[LuminaRequires(LuminaPermission.Read)]
[LuminaPlugin("web", Description = "Fetches public web pages (http and https) and returns their main content as Markdown, text or HTML. The host's own and private networks are out of reach.")]
public sealed class WebPlugin : IDisposable
{
    private readonly WebOptions _options;
    private readonly WebFetcher _fetcher;
    private readonly WebCache _cache;
    private readonly WebDownloads _downloads;
    private readonly ILuminaCallContextAccessor _context;

    /// <summary>Creates the plugin.</summary>
    /// <param name="options">Hosts, caps and timeout (<c>Lumina:Web</c>).</param>
    /// <param name="resolver">Resolves host names; the guard vets what it returns.</param>
    /// <param name="context">The current call's context: the caller's role keys the cache.</param>
    /// <param name="time">The clock the timeout and the cache run on.</param>
    /// <param name="loggerFactory">Where refusals and failures are logged.</param>
    public WebPlugin(WebOptions options, IWebHostResolver resolver, ILuminaCallContextAccessor context, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options;
        _context = context;
        _cache = new WebCache(options.CacheTtl, time);
        _downloads = new WebDownloads(options.BinaryRetention, 8 * options.MaxBytes, time);
        _fetcher = new WebFetcher(options, resolver, time, loggerFactory.CreateLogger<WebFetcher>());
    }

    /// <summary>Releases the HTTP connections the plugin holds.</summary>
    public void Dispose() => _fetcher.Dispose();

    /// <summary>Fetches a URL and returns one page of its content.</summary>
    [KernelFunction("fetch")]
    [Description("Fetches an http or https URL and returns the page's title, final URL (after redirects), status, content type and content. HTML is reduced to its main content and returned as Markdown by default. Long content comes in pages: when nextIndex is set, call again with startIndex=nextIndex for the next page. Binary content (images, PDFs, archives) is refused, or kept as a resource to read when the host is configured so; private, loopback and cloud metadata addresses are refused.")]
    [LuminaTool(Title = "Fetch web page", ReadOnly = true, Idempotent = true, OpenWorld = true)]
    public async Task<WebPage> FetchAsync(
        [Description("The absolute http or https URL to fetch, such as https://example.com/article.")] string url,
        [Description("markdown (main content as Markdown, the default), text (main content as plain text), html (main content as HTML) or raw (the body as received).")] string format = "markdown",
        [Description("The most bytes (UTF-8) of content to return in this call; default and maximum: the configured page size.")] int? maxBytes = null,
        [Description("Where to start in the converted content, in characters: 0 for the beginning, or the nextIndex of the previous call.")] int startIndex = 0,
        CancellationToken cancellationToken = default)
    {
        var normalizedFormat = (format ?? "markdown").Trim().ToLowerInvariant();
        if (!WebContent.Formats.Contains(normalizedFormat))
        {
            throw new LuminaRefusalException($"format must be one of {string.Join(", ", WebContent.Formats)} (got '{format}').");
        }

        if (startIndex < 0)
        {
            throw new LuminaRefusalException($"startIndex must be 0 or more (got {startIndex}).");
        }

        if (maxBytes is < 1)
        {
            throw new LuminaRefusalException($"maxBytes must be positive (got {maxBytes}).");
        }

        var uri = SsrfGuard.ParseUrl(url);
        var role = _context.Current.Caller.Role;
        var response = _cache.Get(uri, role);
        if (response is null)
        {
            response = await _fetcher.FetchAsync(uri, cancellationToken).ConfigureAwait(false);
            _cache.Set(uri, role, response);
        }

        if (_options.KeepsBinary && WebContent.IsBinary(response))
        {
            var resource = _downloads.Keep(_context.Current.Caller.Id, response.MediaType, response.FinalUri, response.Body);
            return new WebPage(url, response.FinalUri.AbsoluteUri, response.Status, response.MediaType, null, normalizedFormat, string.Empty, 0, 0, null,
                $"The response is binary ({response.MediaType ?? "no media type"}, {response.Body.Length} bytes); it is kept as the resource {resource} for {_options.BinaryRetention.TotalMinutes:0} min: read it with resources/read.")
            {
                Resource = resource,
            };
        }

        var (title, content) = WebContent.Convert(response, normalizedFormat);
        if (startIndex > content.Length)
        {
            throw new LuminaRefusalException($"startIndex {startIndex} is past the end of the content ({content.Length} characters).");
        }

        var pageBytes = Math.Min(maxBytes ?? _options.PageBytes, _options.PageBytes);
        var length = PageLength(content, startIndex, pageBytes);
        var end = startIndex + length;
        int? next = end < content.Length ? end : null;
        return new WebPage(
            url,
            response.FinalUri.AbsoluteUri,
            response.Status,
            response.MediaType,
            title,
            normalizedFormat,
            content.Substring(startIndex, length),
            startIndex,
            content.Length,
            next,
            next is null ? null : $"Content continues: {content.Length - end} more characters. Call web_fetch again with the same url and format and startIndex={end} for the next page.");
    }

    /// <summary>A binary response <c>web_fetch</c> kept (<c>Lumina:Web:Binary=resource</c>), for the caller who fetched it.</summary>
    [KernelFunction("download")]
    [Description("A binary response (image, PDF, archive) web_fetch kept as a resource, readable by the caller who fetched it.")]
    [LuminaResource(WebDownloads.UriTemplate, Name = "download", Title = "Downloaded file")]
    public LuminaEmbeddedResource Download([Description("The download's id.")] string id) => _downloads.Read(id, _context.Current.Caller.Id);

    /// <summary>How many characters from <paramref name="start"/> fit in <paramref name="maxBytes"/> UTF-8 bytes, never splitting a surrogate pair.</summary>
    internal static int PageLength(string content, int start, int maxBytes)
    {
        var bytes = 0;
        var i = start;
        while (i < content.Length)
        {
            var width = char.IsHighSurrogate(content[i]) && i + 1 < content.Length && char.IsLowSurrogate(content[i + 1]) ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(content.AsSpan(i, width));
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            i += width;
        }

        // Always make progress, even when one character is wider than the page.
        return i == start && start < content.Length ? Math.Min(2, content.Length - start) : i - start;
    }
}
