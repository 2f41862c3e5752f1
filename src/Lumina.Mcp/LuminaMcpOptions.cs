using Lumina.Abstractions;

namespace Lumina.Mcp;

/// <summary>How the kernel is served over MCP.</summary>
public sealed class LuminaMcpOptions
{
    /// <summary>The transport this server runs on; decides who an unauthenticated caller is.</summary>
    /// <value>The default value is <see cref="LuminaTransport.Stdio"/>.</value>
    public LuminaTransport Transport { get; set; } = LuminaTransport.Stdio;

    /// <summary>
    /// The role of the local user on stdio (the process owner), overriding <c>Lumina:Auth:LocalRole</c> when set.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: <c>Lumina:Auth:LocalRole</c> (default <c>user</c>) applies.</value>
    public string? LocalRole { get; set; }
}
