namespace Lumina.Abstractions;

/// <summary>
/// Names a plugin class (the first half of its tools' names) and describes it. Without it, a class
/// <c>FooBarPlugin</c> is named <c>foo_bar</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LuminaPluginAttribute(string name) : Attribute
{
    /// <summary>The plugin's name: letters, digits and <c>_</c>.</summary>
    public string Name { get; } = name;

    /// <summary>What the plugin is for.</summary>
    public string? Description { get; set; }
}

/// <summary>
/// How a kernel function is served as a tool: an exact name, a title, behaviour hints for clients
/// and policy, and optionally a hand-written input schema.
/// </summary>
/// <remarks>
/// The hints are stated explicitly on every tool that carries this attribute (MCP's own defaults
/// assume a tool may be destructive and open-world; a plugin that declares the attribute says
/// what its function really does).
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class LuminaToolAttribute : Attribute
{
    /// <summary>The exact tool name, instead of <c>plugin_function</c>. At most 64 characters of <c>[A-Za-z0-9_.-]</c>.</summary>
    public string? Name { get; set; }

    /// <summary>A human-readable title.</summary>
    public string? Title { get; set; }

    /// <summary>The function only reads: it changes nothing.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>The function may destroy or overwrite data (delete, overwrite, move over).</summary>
    public bool Destructive { get; set; }

    /// <summary>Calling it again with the same arguments has no further effect.</summary>
    public bool Idempotent { get; set; }

    /// <summary>The function reaches outside this host (network, other services).</summary>
    public bool OpenWorld { get; set; }

    /// <summary>
    /// A JSON Schema (as JSON text) to publish as the tool's input schema instead of the one built from
    /// the parameters. The arguments still bind to the parameters by name.
    /// </summary>
    public string? InputSchema { get; set; }
}

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

/// <summary>
/// Values a client may offer while the user types this argument (MCP completion).
/// Applies to a parameter of a function served as a prompt or a resource template.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class LuminaCompletionsAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}
