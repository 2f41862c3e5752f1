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
