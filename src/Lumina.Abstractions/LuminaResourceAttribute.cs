namespace Lumina.Abstractions;

/// <summary>
/// Serves a kernel function as an MCP resource (or, when <see cref="Uri"/> has <c>{variables}</c>, a
/// resource template whose variables bind to the parameters) instead of a tool. The function returns
/// a string (text), bytes (a blob) or <see cref="LuminaEmbeddedResource"/> items.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class LuminaResourceAttribute(string uri) : Attribute
{
    /// <summary>The resource URI or URI template (RFC 6570 level 1).</summary>
    public string Uri { get; } = uri;

    /// <summary>A short name; the function's name when absent.</summary>
    public string? Name { get; set; }

    /// <summary>A human-readable title.</summary>
    public string? Title { get; set; }

    /// <summary>The MIME type of what it returns.</summary>
    public string? MimeType { get; set; }
}
