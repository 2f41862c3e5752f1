namespace Lumina.Federation;

/// <summary>One tool of an upstream server as this host serves it.</summary>
/// <param name="Tool">Its name on its server.</param>
/// <param name="Served">The name it is served under.</param>
/// <param name="Hash">The hash of its current descriptor.</param>
/// <param name="Quarantined">Why it is quarantined, or <see langword="null"/> when it is served.</param>
public sealed record UpstreamToolState(string Tool, string Served, string Hash, string? Quarantined);
