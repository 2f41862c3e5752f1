namespace Lumina.Abstractions;

/// <summary>
/// Serves a kernel function as an MCP prompt instead of a tool. The function's parameters are the
/// prompt's arguments; it returns a string (one user message) or <see cref="LuminaPromptMessage"/>s.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class LuminaPromptAttribute : Attribute
{
    /// <summary>The exact prompt name, instead of <c>plugin_function</c>.</summary>
    public string? Name { get; set; }

    /// <summary>A human-readable title.</summary>
    public string? Title { get; set; }
}
