using System.Text.Json.Nodes;

namespace Lumina.Workflows;

/// <summary>One argument of a workflow.</summary>
/// <param name="Type">The JSON type: <c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c>, <c>object</c> or <c>array</c>.</param>
/// <param name="Description">What the argument is, for the caller.</param>
/// <param name="Required">Whether a caller must give it. In YAML it defaults to true unless the input has a default.</param>
/// <param name="Default">The value used when the caller does not give one.</param>
/// <param name="Line">The source line of the input.</param>
public sealed record WorkflowInput(string Type, string? Description, bool Required, JsonNode? Default, int Line)
{
    /// <summary>The types an input may have.</summary>
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal) { "string", "integer", "number", "boolean", "object", "array" };
}
