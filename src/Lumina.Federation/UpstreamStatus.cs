namespace Lumina.Federation;

/// <summary>How an upstream server is doing, for <c>system_describe</c>, readiness and <c>lumina servers list</c>.</summary>
/// <param name="Name">Its configured name (its plugin's name).</param>
/// <param name="Transport"><c>stdio</c> or <c>http</c>.</param>
/// <param name="State">Where its connection is.</param>
/// <param name="ToolCount">How many of its tools are served.</param>
/// <param name="LastError">Why it last failed, if it did.</param>
/// <param name="Restarts">How many times its connection was made again after ending.</param>
public sealed record UpstreamStatus(string Name, string Transport, UpstreamState State, int ToolCount, string? LastError, int Restarts)
{
    /// <summary>How many of its prompts are served.</summary>
    public int PromptCount { get; init; }

    /// <summary>How many of its resources and resource templates are served.</summary>
    public int ResourceCount { get; init; }

    /// <summary>How many callers have a connection of their own to it now (<see cref="UpstreamServerOptions.PerCaller"/>).</summary>
    public int CallerConnections { get; init; }
}
