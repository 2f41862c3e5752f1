namespace Lumina.Abstractions;

/// <summary>
/// One item of a rich result. A plugin function returns one of these, a sequence of them, or a
/// <see cref="LuminaResult"/>; the MCP layer turns each into the matching content block.
/// </summary>
public abstract record LuminaContent
{
    /// <summary>Plain text.</summary>
    public static LuminaText Text(string text) => new(text);

    /// <summary>An image (PNG, JPEG, …).</summary>
    public static LuminaImage Image(ReadOnlyMemory<byte> data, string mimeType) => new(data, mimeType);

    /// <summary>A sound clip (for example <c>audio/wav</c>).</summary>
    public static LuminaAudio Audio(ReadOnlyMemory<byte> data, string mimeType) => new(data, mimeType);

    /// <summary>A resource embedded as text.</summary>
    public static LuminaEmbeddedResource Resource(string uri, string text, string? mimeType = "text/plain") => new(uri, mimeType, text, null);

    /// <summary>A resource embedded as bytes.</summary>
    public static LuminaEmbeddedResource Resource(string uri, ReadOnlyMemory<byte> blob, string? mimeType = "application/octet-stream") => new(uri, mimeType, null, blob);

    /// <summary>A link to a resource the client can read later.</summary>
    public static LuminaResourceLink Link(string uri, string name, string? mimeType = null, string? description = null) => new(uri, name, mimeType, description);
}
