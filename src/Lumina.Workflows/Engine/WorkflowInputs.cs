using System.Text.Json.Nodes;
using Lumina.Abstractions;

namespace Lumina.Workflows.Engine;

/// <summary>A call's arguments checked against a workflow's inputs.</summary>
public static class WorkflowInputs
{
    /// <summary>
    /// The inputs of a run of <paramref name="definition"/>: <paramref name="arguments"/> with defaults for what is
    /// missing, each of the declared type; arguments the workflow does not declare are refused.
    /// </summary>
    /// <exception cref="LuminaRefusalException">An argument is missing, unknown or of the wrong type; the message names it.</exception>
    public static JsonObject Bind(WorkflowDefinition definition, JsonObject? arguments)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var inputs = new JsonObject();
        var problems = new List<string>();
        foreach (var (name, _) in arguments ?? [])
        {
            if (!definition.Inputs.ContainsKey(name))
            {
                problems.Add($"'{name}' is not an input of {definition.ToolName} (its inputs: {string.Join(", ", definition.Inputs.Keys)})");
            }
        }

        foreach (var (name, input) in definition.Inputs)
        {
            JsonNode? value = null;
            var given = arguments is not null && arguments.TryGetPropertyValue(name, out value);
            if (!given || value is null)
            {
                if (input.Default is not null)
                {
                    inputs[name] = input.Default.DeepClone();
                }
                else if (input.Required)
                {
                    problems.Add($"'{name}' is required ({input.Type}{(input.Description is null ? string.Empty : ": " + input.Description)})");
                }
                else
                {
                    inputs[name] = null;
                }

                continue;
            }

            var actual = WorkflowValidator.TypeOf(value);
            if (actual is null || !WorkflowValidator.Fits(actual, input.Type))
            {
                problems.Add($"'{name}' must be {Article(input.Type)} {input.Type}, not {Article(actual ?? "value")} {actual ?? "value"}");
                continue;
            }

            inputs[name] = value.DeepClone();
        }

        return problems.Count == 0
            ? inputs
            : throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"The arguments of {definition.ToolName} do not fit: {string.Join("; ", problems)}.");
    }

    private static string Article(string word) => word.Length > 0 && "aeiou".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";
}
