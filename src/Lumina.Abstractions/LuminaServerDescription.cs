namespace Lumina.Abstractions;

/// <summary>An upstream MCP server served through this host, and how it is doing.</summary>
/// <param name="Name">Its configured name.</param>
/// <param name="Transport"><c>stdio</c> or <c>http</c>.</param>
/// <param name="State"><c>idle</c> (not needed yet), <c>connecting</c>, <c>connected</c>, <c>restarting</c> or <c>failed</c>.</param>
/// <param name="ToolCount">How many of its tools are served.</param>
/// <param name="LastError">Why it last failed, if it did.</param>
/// <param name="Restarts">How many times its connection was made again after ending.</param>
public sealed record LuminaServerDescription(string Name, string Transport, string State, int ToolCount, string? LastError, int Restarts)
{
    /// <summary>How many of its prompts are served.</summary>
    public int PromptCount { get; init; }

    /// <summary>How many of its resources and resource templates are served.</summary>
    public int ResourceCount { get; init; }

    /// <summary>How many callers have a connection of their own to it now (<c>PerCaller</c>).</summary>
    public int CallerConnections { get; init; }
}
