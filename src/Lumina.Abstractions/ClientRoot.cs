namespace Lumina.Abstractions;

/// <summary>A root the client exposes (usually a workspace folder).</summary>
/// <param name="Uri">The root's URI, typically <c>file:///…</c>.</param>
/// <param name="Name">An optional display name.</param>
public sealed record ClientRoot(string Uri, string? Name = null);
