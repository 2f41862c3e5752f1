using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Lumina.Workflows;

public static partial class WorkflowLoader
{
    private sealed partial class Reader(string file)
    {
        private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

        public List<WorkflowError> Errors { get; } = [];

        public WorkflowDefinition Workflow(YamlMappingNode root)
        {
            var keys = Keys(root, s_workflowKeys, null);
            var nameNode = Required(root, keys, "name", null);
            var name = nameNode is null ? string.Empty : Text(nameNode, null) ?? string.Empty;
            if (nameNode is not null && name.Length > 0 && !WorkflowNames.Name().IsMatch(name))
            {
                Error(nameNode, null, $"the workflow name '{name}' must be lower-case letters, digits and underscores (it becomes the tool '{WorkflowDefinition.ToolPrefix}{name}')");
            }

            var descriptionNode = Required(root, keys, "description", null);
            var description = descriptionNode is null ? string.Empty : Text(descriptionNode, null) ?? string.Empty;

            var inputs = new Dictionary<string, WorkflowInput>(StringComparer.Ordinal);
            if (keys.TryGetValue("inputs", out var inputsNode) && Mapping(inputsNode, null, "inputs") is { } inputMap)
            {
                foreach (var (key, value) in inputMap.Children)
                {
                    var inputName = ((YamlScalarNode)key).Value ?? string.Empty;
                    inputs[inputName] = Input(inputName, key, value);
                }
            }

            var steps = new List<WorkflowStep>();
            if (Required(root, keys, "steps", null) is { } stepsNode)
            {
                steps = Steps(stepsNode, "steps");
                if (steps.Count == 0 && stepsNode is YamlSequenceNode)
                {
                    Error(stepsNode, null, "a workflow needs at least one step");
                }
            }

            var outputs = keys.TryGetValue("outputs", out var outputsNode) ? Outputs(outputsNode, null) : new Dictionary<string, WorkflowExpression>();
            return new WorkflowDefinition(name, description, inputs, steps, outputs, file, nameNode is null ? Line(root) : Line(nameNode));
        }

        private WorkflowInput Input(string name, YamlNode key, YamlNode node)
        {
            if (!WorkflowNames.Name().IsMatch(name))
            {
                Error(key, null, $"the input name '{name}' must be lower-case letters, digits and underscores");
            }

            // Shorthand: "count: integer".
            if (node is YamlScalarNode)
            {
                var shortType = Text(node, null) ?? "string";
                CheckType(node, shortType);
                return new WorkflowInput(shortType, null, true, null, Line(key));
            }

            if (Mapping(node, null, $"input '{name}'") is not { } map)
            {
                return new WorkflowInput("string", null, true, null, Line(key));
            }

            var keys = Keys(map, s_inputKeys, null);
            var type = "string";
            if (Required(map, keys, "type", null) is { } typeNode && Text(typeNode, null) is { } t)
            {
                type = t;
                CheckType(typeNode, type);
            }

            var description = keys.TryGetValue("description", out var d) ? Text(d, null) : null;
            var defaultValue = keys.TryGetValue("default", out var dv) ? Json(dv) : null;
            var required = keys.TryGetValue("required", out var r) ? Bool(r, null) ?? true : defaultValue is null;
            if (defaultValue is not null && WorkflowValidator.TypeOf(defaultValue) is { } actual && !WorkflowValidator.Fits(actual, type))
            {
                Error(dv!, null, $"the default of input '{name}' is {actual}, not {type}");
            }

            return new WorkflowInput(type, description, required, defaultValue, Line(key));
        }

        private void CheckType(YamlNode node, string type)
        {
            if (!WorkflowInput.Types.Contains(type))
            {
                Error(node, null, $"unknown input type '{type}'{WorkflowNames.DidYouMean(type, WorkflowInput.Types)}; use one of {string.Join(", ", WorkflowInput.Types)}");
            }
        }

        private List<WorkflowStep> Steps(YamlNode node, string what)
        {
            var steps = new List<WorkflowStep>();
            if (node is not YamlSequenceNode sequence)
            {
                Error(node, null, $"'{what}' must be a list of steps");
                return steps;
            }

            foreach (var item in sequence.Children)
            {
                if (Step(item) is { } step)
                {
                    steps.Add(step);
                }
            }

            return steps;
        }

        private WorkflowStep? Step(YamlNode node)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, null, "a step must be a mapping with an 'id' and a 'call' or 'parallel'");
                return null;
            }

            // The id first, so every later error can name the step.
            string? id = null;
            if (map.Children.TryGetValue(new YamlScalarNode("id"), out var idNode))
            {
                id = Text(idNode, null);
                if (id is not null && !WorkflowNames.Name().IsMatch(id))
                {
                    Error(idNode, id, "a step id must be lower-case letters, digits and underscores");
                }
                else if (id is not null && !_ids.Add(id))
                {
                    Error(idNode, id, "another step has the same id");
                }
            }
            else
            {
                Error(map, null, "the step has no 'id'");
            }

            var keys = Keys(map, s_stepKeys, id);
            var step = new WorkflowStep(id ?? string.Empty, Line(map)) { ConcurrencyLine = Line(map), TimeoutLine = Line(map), OnErrorLine = Line(map) };
            var hasCall = keys.TryGetValue("call", out var callNode);
            var hasParallel = keys.TryGetValue("parallel", out var parallelNode);
            if (hasCall == hasParallel)
            {
                Error(map, id, hasCall ? "a step has either 'call' or 'parallel', not both" : "the step has neither 'call' nor 'parallel'");
            }

            if (hasCall)
            {
                step = step with { Call = Text(callNode!, id), CallLine = Line(callNode!) };
            }

            if (hasParallel)
            {
                step = step with { Parallel = Branches(parallelNode!, id) };
                foreach (var callOnly in new[] { "with", "foreach", "concurrency", "retry", "timeout", "outputs" })
                {
                    if (keys.TryGetValue(callOnly, out var misplaced))
                    {
                        Error(misplaced, id, $"'{callOnly}' belongs on the steps inside a parallel block, not on the block");
                    }
                }
            }

            if (keys.TryGetValue("with", out var withNode) && Mapping(withNode, id, "with") is { } withMap)
            {
                var with = new Dictionary<string, WorkflowValue>(StringComparer.Ordinal);
                foreach (var (key, value) in withMap.Children)
                {
                    with[((YamlScalarNode)key).Value ?? string.Empty] = new WorkflowValue(Json(value), Line(key));
                }

                step = step with { With = with };
            }

            if (keys.TryGetValue("when", out var whenNode))
            {
                step = step with { When = Bare(whenNode, id) };
            }

            if (keys.TryGetValue("foreach", out var forEachNode))
            {
                step = step with { ForEach = Bare(forEachNode, id) };
            }

            if (keys.TryGetValue("concurrency", out var concurrencyNode))
            {
                step = step with { Concurrency = Int(concurrencyNode, id) ?? 1, ConcurrencyLine = Line(concurrencyNode) };
                if (!keys.ContainsKey("foreach"))
                {
                    Error(concurrencyNode, id, "'concurrency' applies only to a step with 'foreach'");
                }
            }

            if (keys.TryGetValue("retry", out var retryNode))
            {
                step = step with { Retry = Retry(retryNode, id) };
            }

            if (keys.TryGetValue("timeout", out var timeoutNode))
            {
                step = step with { Timeout = Duration(timeoutNode, id), TimeoutLine = Line(timeoutNode) };
            }

            if (keys.TryGetValue("on_error", out var onErrorNode) && Text(onErrorNode, id) is { } onError)
            {
                step = onError switch
                {
                    "fail" => step with { OnError = WorkflowOnError.Fail },
                    "continue" => step with { OnError = WorkflowOnError.Continue },
                    _ => step with { OnError = WorkflowOnError.Fallback, Fallback = onError },
                };
                step = step with { OnErrorLine = Line(onErrorNode) };
            }

            if (keys.TryGetValue("confirm", out var confirmNode) && Text(confirmNode, id) is { } confirm)
            {
                step = step with { Confirm = new WorkflowValue(JsonValue.Create(confirm), Line(confirmNode)) };
            }

            if (keys.TryGetValue("outputs", out var outputsNode))
            {
                step = step with { Outputs = Outputs(outputsNode, id) };
            }

            return step;
        }

        private List<IReadOnlyList<WorkflowStep>> Branches(YamlNode node, string? id)
        {
            var branches = new List<IReadOnlyList<WorkflowStep>>();
            if (node is not YamlSequenceNode sequence || sequence.Children.Count == 0)
            {
                Error(node, id, "'parallel' must be a list of branches, each a list of steps");
                return branches;
            }

            foreach (var branch in sequence.Children)
            {
                var steps = Steps(branch, "parallel branch");
                if (steps.Count > 0)
                {
                    branches.Add(steps);
                }
            }

            return branches;
        }

        private WorkflowRetry? Retry(YamlNode node, string? id)
        {
            // Shorthand: "retry: 3" is three attempts with the default back-off, on any failure.
            if (node is YamlScalarNode)
            {
                return Int(node, id) is { } n ? new WorkflowRetry(n, WorkflowBackoff.Default, new HashSet<WorkflowErrorKind> { WorkflowErrorKind.Any }, Line(node)) : null;
            }

            if (Mapping(node, id, "retry") is not { } map)
            {
                return null;
            }

            var keys = Keys(map, s_retryKeys, id);
            var attempts = Required(map, keys, "attempts", id) is { } a ? Int(a, id) ?? 1 : 1;
            var backoff = WorkflowBackoff.Default;
            if (keys.TryGetValue("backoff", out var backoffNode) && Mapping(backoffNode, id, "backoff") is { } backoffMap)
            {
                var backoffKeys = Keys(backoffMap, s_backoffKeys, id);
                backoff = new WorkflowBackoff(
                    backoffKeys.TryGetValue("initial", out var i) ? Duration(i, id) ?? backoff.Initial : backoff.Initial,
                    backoffKeys.TryGetValue("multiplier", out var m) ? Number(m, id) ?? backoff.Multiplier : backoff.Multiplier,
                    backoffKeys.TryGetValue("max", out var x) ? Duration(x, id) ?? backoff.Max : backoff.Max);
            }

            var on = new HashSet<WorkflowErrorKind>();
            if (keys.TryGetValue("on", out var onNode))
            {
                var kinds = onNode is YamlSequenceNode list ? list.Children : [onNode];
                foreach (var kindNode in kinds)
                {
                    switch (Text(kindNode, id))
                    {
                        case "timeout": on.Add(WorkflowErrorKind.Timeout); break;
                        case "unavailable": on.Add(WorkflowErrorKind.Unavailable); break;
                        case "any": on.Add(WorkflowErrorKind.Any); break;
                        case { } other: Error(kindNode, id, $"unknown error kind '{other}' in 'retry.on'; use timeout, unavailable or any"); break;
                    }
                }
            }
            else
            {
                on.Add(WorkflowErrorKind.Any);
            }

            return new WorkflowRetry(attempts, backoff, on, Line(node));
        }

        private Dictionary<string, WorkflowExpression> Outputs(YamlNode node, string? id)
        {
            var outputs = new Dictionary<string, WorkflowExpression>(StringComparer.Ordinal);
            if (Mapping(node, id, "outputs") is { } map)
            {
                foreach (var (key, value) in map.Children)
                {
                    if (Text(value, id) is { } text)
                    {
                        outputs[((YamlScalarNode)key).Value ?? string.Empty] = new WorkflowExpression(text, Line(value), IsTemplate: true);
                    }
                }
            }

            return outputs;
        }

        // A when or foreach: bare JMESPath; "${{ expr }}" is accepted too, as the same expression.
        private WorkflowExpression? Bare(YamlNode node, string? id)
        {
            if (Text(node, id) is not { } text)
            {
                return null;
            }

            var trimmed = text.Trim();
            if (trimmed.StartsWith("${{", StringComparison.Ordinal) && trimmed.EndsWith("}}", StringComparison.Ordinal))
            {
                try
                {
                    if (WorkflowExpressions.Parts(trimmed) is [var only] && trimmed.IndexOf("${{", 3, StringComparison.Ordinal) < 0)
                    {
                        trimmed = only;
                    }
                }
                catch (WorkflowExpressionException)
                {
                    // Left as written: the validator reports it with its line.
                }
            }

            return new WorkflowExpression(trimmed, Line(node), IsTemplate: false);
        }

        // The known keys of a mapping, reporting unknown and non-scalar keys.

        private void Error(YamlNode node, string? id, string message) => Errors.Add(new WorkflowError(file, Line(node), id, message));
    }
}
