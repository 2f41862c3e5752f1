namespace Lumina.Abstractions;

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
