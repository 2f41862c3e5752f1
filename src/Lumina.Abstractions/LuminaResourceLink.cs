namespace Lumina.Abstractions;

/// <summary>A link to a resource.</summary>
public sealed record LuminaResourceLink(string Uri, string Name, string? MimeType, string? Description) : LuminaContent;
