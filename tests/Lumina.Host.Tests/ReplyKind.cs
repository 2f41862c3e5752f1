namespace Lumina.Host.Tests;

/// <summary>What the stdio host must answer to one line of a hostile item.</summary>
internal enum ReplyKind
{
    /// <summary>A JSON-RPC error whose code is one of the allowed codes (any code when none are listed).</summary>
    Error,

    /// <summary>A tools/call result with <c>isError: true</c>: a well-formed call to a real tool with bad arguments.</summary>
    ToolError,

    /// <summary>Either: a JSON-RPC error with an allowed code, or a tool result with <c>isError: true</c>.</summary>
    ErrorOrToolError,
}
