namespace Lumina.Plugins.Web;

/// <summary>One search result.</summary>
/// <param name="Title">The page's title.</param>
/// <param name="Url">The page's URL (fetch it with web_fetch).</param>
/// <param name="Snippet">The search engine's excerpt; empty when it gave none.</param>
public sealed record WebSearchHit(string Title, string Url, string Snippet);
