namespace Lumina.Providers.Orchestration;

/// <summary>One tool call made during <c>ask</c>.</summary>
/// <param name="Tool">The tool's name.</param>
/// <param name="Failed">Whether it returned an error (the model was told).</param>
public sealed record ToolCallSummary(string Tool, bool Failed);
