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

/// <summary>Plain text.</summary>
public sealed record LuminaText(string Value) : LuminaContent;

/// <summary>An image.</summary>
public sealed record LuminaImage(ReadOnlyMemory<byte> Data, string MimeType) : LuminaContent;

/// <summary>A sound clip.</summary>
public sealed record LuminaAudio(ReadOnlyMemory<byte> Data, string MimeType) : LuminaContent;

/// <summary>A resource embedded in the result: exactly one of <see cref="Text"/> and <see cref="Blob"/> is set.</summary>
public sealed record LuminaEmbeddedResource : LuminaContent
{
    public LuminaEmbeddedResource(string uri, string? mimeType, string? text, ReadOnlyMemory<byte>? blob)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        if ((text is null) == (blob is null))
        {
            throw new ArgumentException("An embedded resource has either text or a blob.", nameof(text));
        }

        Uri = uri;
        MimeType = mimeType;
        Text = text;
        Blob = blob;
    }

    public string Uri { get; }

    public string? MimeType { get; }

    public new string? Text { get; }

    public ReadOnlyMemory<byte>? Blob { get; }
}

/// <summary>A link to a resource.</summary>
public sealed record LuminaResourceLink(string Uri, string Name, string? MimeType, string? Description) : LuminaContent;

/// <summary>A result of several items, optionally with structured data and an error flag.</summary>
/// <param name="Items">The items, in order.</param>
public sealed record LuminaResult(IReadOnlyList<LuminaContent> Items)
{
    /// <summary>Machine-readable data that goes with the items (MCP structured content).</summary>
    public object? Structured { get; init; }

    /// <summary>Whether the items describe a failure the model should see (a tool error, not a crash).</summary>
    public bool IsError { get; init; }

    public static LuminaResult Of(params LuminaContent[] items) => new(items);
}

/// <summary>Who speaks a prompt message.</summary>
public enum LuminaRole
{
    User,
    Assistant,
}

/// <summary>One message of a prompt built by a native function marked with <see cref="LuminaPromptAttribute"/>.</summary>
public sealed record LuminaPromptMessage(LuminaRole Role, LuminaContent Content)
{
    public static LuminaPromptMessage User(string text) => new(LuminaRole.User, new LuminaText(text));

    public static LuminaPromptMessage User(LuminaContent content) => new(LuminaRole.User, content);

    public static LuminaPromptMessage Assistant(string text) => new(LuminaRole.Assistant, new LuminaText(text));
}
