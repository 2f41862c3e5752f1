namespace Lumina.Abstractions;

/// <summary>A result of several items, optionally with structured data and an error flag.</summary>
/// <param name="Items">The items, in order.</param>
public sealed record LuminaResult(IReadOnlyList<LuminaContent> Items)
{
    /// <summary>Machine-readable data that goes with the items (MCP structured content).</summary>
    public object? Structured { get; init; }

    /// <summary>Whether the items describe a failure the model should see (a tool error, not a crash).</summary>
    public bool IsError { get; init; }

    public static LuminaResult Of(params LuminaContent[] items) => new(items);
}
