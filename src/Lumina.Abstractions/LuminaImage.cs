namespace Lumina.Abstractions;

/// <summary>An image.</summary>
public sealed record LuminaImage(ReadOnlyMemory<byte> Data, string MimeType) : LuminaContent;
