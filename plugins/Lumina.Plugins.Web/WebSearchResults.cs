namespace Lumina.Plugins.Web;

/// <summary>What <c>web_search</c> found.</summary>
/// <param name="Query">The query searched for.</param>
/// <param name="Results">The results, best first.</param>
public sealed record WebSearchResults(string Query, IReadOnlyList<WebSearchHit> Results);
