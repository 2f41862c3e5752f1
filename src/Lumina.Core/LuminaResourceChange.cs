namespace Lumina.Core;

/// <summary>A resource that changed.</summary>
/// <param name="Uri">The resource's URI.</param>
/// <param name="CallerId">
/// The caller whose view of the resource changed, for a per-caller resource: only that caller's sessions hear of it.
/// <see langword="null"/> when the resource is the same for everyone.
/// </param>
public sealed record LuminaResourceChange(string Uri, string? CallerId);
