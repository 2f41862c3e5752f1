namespace Lumina.Abstractions;

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

    /// <summary>
    /// Whether a client that speaks the tasks extension (<c>io.modelcontextprotocol/tasks</c>) gets this call as a task
    /// it polls instead of waiting for the answer: never (the default), when the client can, or always (a client that
    /// cannot is refused before the function runs).
    /// </summary>
    public LuminaTaskSupport TaskSupport { get; set; }

    /// <summary>
    /// The call starts in its request and becomes a task only when the function says so with
    /// <see cref="ILuminaCallContext.ContinueAsTaskAsync"/> (after asking its client something, say). Without it a task
    /// is made before the function runs.
    /// </summary>
    public bool TaskStartsInCall { get; set; }
}
