namespace Lumina.Core.Federation;

/// <summary>
/// What an upstream MCP server's tool looked like when it was approved: the hash of its descriptor (name, title,
/// description, input and output schema, annotations) and the descriptor itself, so a later change can be shown as a diff.
/// </summary>
/// <param name="Server">The upstream server's configured name.</param>
/// <param name="Tool">The tool's name on that server.</param>
/// <param name="Hash">The SHA-256 of the descriptor's canonical JSON, lowercase hex.</param>
/// <param name="Descriptor">The descriptor as canonical JSON.</param>
/// <param name="PinnedAt">When it was pinned or approved.</param>
/// <param name="PinnedBy">Who approved it; <see langword="null"/> when it was pinned on first sight.</param>
public sealed record ToolPin(string Server, string Tool, string Hash, string Descriptor, DateTimeOffset PinnedAt, string? PinnedBy);
