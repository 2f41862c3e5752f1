namespace Lumina.Plugins.Web;

/// <summary>A response the fetcher read whole, within the caps.</summary>
/// <param name="FinalUri">The URL that answered, after redirects.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="MediaType">The content type's media type, lower case; null when the server sent none.</param>
/// <param name="Charset">The content type's charset; null when none.</param>
/// <param name="Body">The body, decompressed.</param>
internal sealed record FetchedResponse(Uri FinalUri, int Status, string? MediaType, string? Charset, byte[] Body);
