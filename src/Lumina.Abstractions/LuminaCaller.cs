namespace Lumina.Abstractions;

/// <summary>How a caller reached the kernel.</summary>
public enum LuminaTransport
{
    /// <summary>A .NET program invoking the kernel directly.</summary>
    InProcess,

    /// <summary>An MCP client over standard input/output.</summary>
    Stdio,

    /// <summary>An MCP or API client over HTTP.</summary>
    Http,
}

/// <summary>Who is making the current call.</summary>
/// <param name="Id">A stable identifier of the caller, used to key per-user state.</param>
/// <param name="Name">A display name.</param>
/// <param name="Role">The caller's role (for example <c>admin</c>, <c>user</c>, <c>guest</c>).</param>
/// <param name="Transport">How the caller reached the kernel.</param>
/// <param name="IsAuthenticated">Whether the identity was proven (a token or key) rather than assumed (the local user on stdio).</param>
public sealed record LuminaCaller(string Id, string Name, string Role, LuminaTransport Transport, bool IsAuthenticated)
{
    /// <summary>The caller of a .NET program that invokes the kernel without saying who it is.</summary>
    public static LuminaCaller InProcess { get; } = new("local", "local", "user", LuminaTransport.InProcess, IsAuthenticated: false);
}
