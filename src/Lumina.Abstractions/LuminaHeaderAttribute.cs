namespace Lumina.Abstractions;

/// <summary>
/// Mirrors this parameter of a tool into the HTTP header <c>Mcp-Param-{Name}</c> (MCP 2026-07-28, SEP-2243), so gateways
/// and load balancers can route on it without reading the body; the server checks that the header and the argument agree.
/// Applies to string, integer and boolean parameters.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class LuminaHeaderAttribute : Attribute
{
    /// <param name="name">The header's name after <c>Mcp-Param-</c>: an HTTP token (letters, digits and <c>!#$%&amp;'*+-.^_`|~</c>).</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not an HTTP token.</exception>
    public LuminaHeaderAttribute(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!name.All(IsTokenChar))
        {
            throw new ArgumentException($"'{name}' is not an HTTP header name (RFC 9110 token).", nameof(name));
        }

        Name = name;
    }

    /// <summary>The header's name after <c>Mcp-Param-</c>.</summary>
    public string Name { get; }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
