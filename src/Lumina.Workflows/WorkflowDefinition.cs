using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumina.Workflows;

/// <summary>
/// A declarative workflow as read from a YAML file in <c>workflows/</c>: served as the tool <c>workflow_&lt;name&gt;</c>,
/// whose arguments are <see cref="Inputs"/> and whose result is <see cref="Outputs"/>.
/// </summary>
/// <param name="Name">The workflow's name, <c>[a-z0-9_]+</c>; the tool is <c>workflow_&lt;name&gt;</c>.</param>
/// <param name="Description">What the workflow does, for the model that picks tools.</param>
/// <param name="Inputs">The workflow's arguments by name, in file order.</param>
/// <param name="Steps">The steps, run in order.</param>
/// <param name="Outputs">The workflow's result: each name an expression over the run's context.</param>
/// <param name="SourceFile">The file (or source name) the workflow was read from, as errors name it.</param>
/// <param name="Line">The line of the workflow's <c>name</c>.</param>
public sealed record WorkflowDefinition(
    string Name,
    string Description,
    IReadOnlyDictionary<string, WorkflowInput> Inputs,
    IReadOnlyList<WorkflowStep> Steps,
    IReadOnlyDictionary<string, WorkflowExpression> Outputs,
    string SourceFile,
    int Line = 1)
{
    /// <summary>The prefix of every workflow's tool name.</summary>
    public const string ToolPrefix = "workflow_";

    /// <summary>The name of the tool that runs this workflow: <c>workflow_&lt;name&gt;</c>.</summary>
    public string ToolName => ToolPrefix + Name;

    /// <summary>Every step of the workflow, the steps of parallel branches included, in file order.</summary>
    public IEnumerable<WorkflowStep> AllSteps() => Flatten(Steps);

    /// <summary>
    /// The JSON schema of the arguments of <see cref="ToolName"/>: an object with one property per input (its type,
    /// description and default) and the required inputs listed in <c>required</c>.
    /// </summary>
    public JsonElement InputSchema()
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var (name, input) in Inputs)
        {
            var property = new JsonObject { ["type"] = input.Type };
            if (!string.IsNullOrEmpty(input.Description))
            {
                property["description"] = input.Description;
            }

            if (input.Default is not null)
            {
                property["default"] = input.Default.DeepClone();
            }

            properties[name] = property;
            if (input.Required)
            {
                required.Add(name);
            }
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        return JsonSerializer.SerializeToElement(schema, WorkflowJson.Options);
    }

    private static IEnumerable<WorkflowStep> Flatten(IEnumerable<WorkflowStep> steps)
    {
        foreach (var step in steps)
        {
            yield return step;
            foreach (var branch in step.Parallel)
            {
                foreach (var inner in Flatten(branch))
                {
                    yield return inner;
                }
            }
        }
    }
}
