namespace Lumina.Plugins.Web;

/// <summary>A page fetched by <c>web_fetch</c>: one page of its content and where it came from.</summary>
/// <param name="Url">The URL asked for.</param>
/// <param name="FinalUrl">The URL that answered, after redirects.</param>
/// <param name="Status">The HTTP status code of the final answer.</param>
/// <param name="ContentType">The media type the server declared (such as text/html); null when it sent none.</param>
/// <param name="Title">The page's title, when it has one.</param>
/// <param name="Format">The format of <paramref name="Content"/>: markdown, text, html or raw.</param>
/// <param name="Content">This page of the content.</param>
/// <param name="StartIndex">Where this page starts, in characters of the whole converted content.</param>
/// <param name="TotalLength">The length of the whole converted content, in characters.</param>
/// <param name="NextIndex">The startIndex to pass for the next page; null when this page reaches the end.</param>
/// <param name="Note">How to read on when the content continues; null when it does not.</param>
public sealed record WebPage(
    string Url,
    string FinalUrl,
    int Status,
    string? ContentType,
    string? Title,
    string Format,
    string Content,
    int StartIndex,
    int TotalLength,
    int? NextIndex,
    string? Note)
{
    /// <summary>A binary response kept as a resource (<c>Lumina:Web:Binary=resource</c>): its URI, to read with <c>resources/read</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Resource { get; init; }
}
