namespace Lumina.Abstractions;

/// <summary>Plain text.</summary>
public sealed record LuminaText(string Value) : LuminaContent;
