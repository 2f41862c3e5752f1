using System.Text.Json.Nodes;

namespace Lumina.Workflows;

/// <summary>
/// An argument of a step as written in the file: JSON whose strings may be templates (<c>${{ … }}</c>), resolved
/// against the run's context by <see cref="WorkflowExpressions.Resolve"/> just before the step runs.
/// </summary>
/// <param name="Value">The value as written (null for YAML <c>null</c> or <c>~</c>).</param>
/// <param name="Line">The source line.</param>
public sealed record WorkflowValue(JsonNode? Value, int Line)
{
    /// <summary>Whether the value is a literal (no <c>${{ … }}</c> anywhere in it), so its JSON type is known before a run.</summary>
    public bool IsLiteral => !Templates().Any();

    /// <summary>Every string in the value that contains a <c>${{ … }}</c> part, depth first.</summary>
    public IEnumerable<string> Templates() => Strings(Value).Where(WorkflowExpressions.IsTemplate);

    private static IEnumerable<string> Strings(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    foreach (var s in Strings(child))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    foreach (var s in Strings(child))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                yield return text;
                break;
        }
    }
}
