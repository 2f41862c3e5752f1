namespace Lumina.Abstractions;

/// <summary>Who is making the current call.</summary>
/// <param name="Id">A stable identifier of the caller, used to key per-user state.</param>
/// <param name="Name">A display name.</param>
/// <param name="Role">The caller's role (for example <c>admin</c>, <c>user</c>, <c>guest</c>).</param>
/// <param name="Transport">How the caller reached the kernel.</param>
/// <param name="IsAuthenticated">Whether the identity was proven (a token or key) rather than assumed (the local user on stdio).</param>
public sealed record LuminaCaller(string Id, string Name, string Role, LuminaTransport Transport, bool IsAuthenticated)
{
    /// <summary>The id of the local user: the stdio caller, and a .NET program that does not say who calls. No user may take it.</summary>
    public const string LocalId = "local";

    /// <summary>The id of an HTTP caller without credentials (when anonymous access is on). No user may take it.</summary>
    public const string AnonymousId = "anonymous";

    /// <summary>The caller of a .NET program that invokes the kernel without saying who it is.</summary>
    public static LuminaCaller InProcess { get; } = new(LocalId, LocalId, "user", LuminaTransport.InProcess, IsAuthenticated: false);

    /// <summary>
    /// Whether folders or paths the caller's client declares (its MCP roots) may widen what a plugin opens beyond what
    /// the host configured. Only a stdio client may: it runs as the local user, with the same trust as the process.
    /// Over HTTP a client's roots may only narrow the configured ones (see <see cref="LuminaRoots"/>); an in-process
    /// caller has no client and gets the configured ones.
    /// </summary>
    public bool ClientRootsMayWiden => Transport == LuminaTransport.Stdio;

    /// <summary>
    /// The tool set (virtual server, <c>Lumina:ToolSets:&lt;name&gt;</c>) the caller sees, or null for every tool its
    /// role allows: the set its identity is bound to, else the one its endpoint (<c>/mcp/&lt;name&gt;</c>, stdio's
    /// <c>--toolset</c>) names. Authorization applies inside the set.
    /// </summary>
    public string? ToolSet { get; init; }
}
