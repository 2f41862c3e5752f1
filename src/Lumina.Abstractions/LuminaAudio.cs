namespace Lumina.Abstractions;

/// <summary>A sound clip.</summary>
public sealed record LuminaAudio(ReadOnlyMemory<byte> Data, string MimeType) : LuminaContent;
