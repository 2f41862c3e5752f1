using System.Text;
using AngleSharp.Html.Parser;
using Lumina.Abstractions;
using SmartReader;

namespace Lumina.Plugins.Web;

/// <summary>Turns a fetched body into the text <c>web_fetch</c> returns: main content as Markdown, text, HTML, or the raw body.</summary>
internal static class WebContent
{
    /// <summary>The formats <c>web_fetch</c> accepts.</summary>
    public static readonly string[] Formats = ["markdown", "text", "html", "raw"];

    /// <summary>Whether a media type is text the plugin returns; anything else is refused as binary.</summary>
    public static bool IsText(string? mediaType) => mediaType is null
        || mediaType.StartsWith("text/", StringComparison.Ordinal)
        || mediaType is "application/json" or "application/xml" or "application/xhtml+xml" or "application/javascript"
            or "application/ecmascript" or "application/x-javascript" or "application/yaml" or "application/x-yaml"
            or "application/toml" or "application/rss+xml" or "application/atom+xml" or "application/ld+json"
        || mediaType.EndsWith("+json", StringComparison.Ordinal)
        || mediaType.EndsWith("+xml", StringComparison.Ordinal);

    /// <summary>Whether a response is binary: a media type that is not text, or NUL bytes in the body.</summary>
    public static bool IsBinary(FetchedResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return !IsText(response.MediaType) || Array.IndexOf(response.Body, (byte)0) >= 0;
    }

    /// <summary>Converts a response.</summary>
    /// <returns>The title (HTML only) and the content in <paramref name="format"/>.</returns>
    /// <exception cref="LuminaRefusalException">The body is binary.</exception>
    public static (string? Title, string Content) Convert(FetchedResponse response, string format)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!IsText(response.MediaType))
        {
            throw new LuminaRefusalException($"The response is {response.MediaType}, not text; web_fetch returns only text (HTML, plain text, JSON, XML and the like).");
        }

        var text = Decode(response.Body, response.Charset);
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new LuminaRefusalException("The response is binary (it has NUL bytes); web_fetch returns only text.");
        }

        var isHtml = response.MediaType is "text/html" or "application/xhtml+xml" || (response.MediaType is null && LooksLikeHtml(text));
        if (format == "raw" || !isHtml)
        {
            return (null, text);
        }

        if (HtmlDepth.IsTooDeep(text))
        {
            throw new LuminaRefusalException(LuminaRefusalKind.TooLarge, $"The page nests its elements more than {HtmlDepth.MaxDepth} levels deep; only format=raw returns it.");
        }

        var article = new Reader(response.FinalUri.AbsoluteUri, text) { ContinueIfNotReadable = true }.GetArticle();
        var document = new HtmlParser().ParseDocument(text);
        var title = string.IsNullOrWhiteSpace(article.Title) ? document.Title : article.Title;
        title = string.IsNullOrWhiteSpace(title) ? null : title.Trim();

        // SmartReader finds nothing on short or unusual pages; the whole body is the fallback then.
        var main = article.IsReadable && !string.IsNullOrWhiteSpace(article.Content)
            ? new HtmlParser().ParseDocument("<body>" + article.Content + "</body>").Body!
            : document.Body ?? (AngleSharp.Dom.INode)document;
        return format switch
        {
            "html" => (title, main is AngleSharp.Dom.IElement element ? element.InnerHtml : text),
            "text" => (title, article.IsReadable && !string.IsNullOrWhiteSpace(article.TextContent) ? article.TextContent.Trim() : (main.TextContent ?? string.Empty).Trim()),
            _ => (title, HtmlMarkdown.Convert(main, response.FinalUri)),
        };
    }

    private static bool LooksLikeHtml(string text)
    {
        var head = text.AsSpan(0, Math.Min(text.Length, 1024)).TrimStart();
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }

    private static string Decode(byte[] body, string? charset)
    {
        var encoding = Encoding.UTF8;
        if (!string.IsNullOrEmpty(charset))
        {
            try
            {
                encoding = Encoding.GetEncoding(charset);
            }
            catch (ArgumentException)
            {
                // An unknown charset is read as UTF-8, the web's default.
            }
        }

        return encoding.GetString(body);
    }
}
