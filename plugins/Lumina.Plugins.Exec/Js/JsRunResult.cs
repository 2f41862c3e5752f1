using System.Text.Json;

namespace Lumina.Plugins.Exec;

/// <summary>What a code-mode script did.</summary>
/// <param name="Result">The value the script returned, as JSON; <see langword="null"/> when it returned nothing or failed.</param>
/// <param name="Output">What it wrote with <c>console.log</c> and friends, capped at <see cref="JsLimits.OutputBytes"/>.</param>
/// <param name="OutputTruncated">Whether output was dropped (the kept output ends with a marker saying how much).</param>
/// <param name="Error">Why the script stopped early, safe to show to the caller; <see langword="null"/> when it completed.</param>
/// <param name="ErrorKind">
/// The kind of <paramref name="Error"/>: <c>syntax_error</c>, <c>script_error</c>, <c>tool_refused</c>, <c>tool_failed</c>,
/// <c>tool_call_limit</c>, <c>statement_limit</c>, <c>memory_limit</c>, <c>recursion_limit</c> or <c>timeout</c>.
/// </param>
/// <param name="ToolCalls">The tool calls it made.</param>
/// <param name="Duration">How long it ran.</param>
internal sealed record JsRunResult(JsonElement? Result, string Output, bool OutputTruncated, string? Error, string? ErrorKind, int ToolCalls, TimeSpan Duration);
