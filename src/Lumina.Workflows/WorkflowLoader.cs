using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lumina.Workflows;

/// <summary>
/// Reads workflow files. YamlDotNet's representation model keeps every node's position, so each error names the file,
/// the line and the step; keys a workflow does not know are errors, so a misspelt <c>on_eror</c> cannot pass silently.
/// </summary>
/// <remarks>
/// The loader checks the shape of a file (keys, types, names); <see cref="WorkflowValidator"/> checks its meaning
/// (expressions, references, tools, limits). <see cref="Load(string, IWorkflowCatalog)"/> does both.
/// Durations are written <c>500ms</c>, <c>30s</c>, <c>5m</c> or <c>1h</c>, or as a number of seconds.
/// </remarks>
public static partial class WorkflowLoader
{
    private static readonly string[] s_workflowKeys = ["name", "description", "inputs", "steps", "outputs"];
    private static readonly string[] s_inputKeys = ["type", "description", "required", "default"];
    private static readonly string[] s_stepKeys = ["id", "call", "with", "when", "foreach", "concurrency", "parallel", "retry", "timeout", "on_error", "confirm", "outputs"];
    private static readonly string[] s_retryKeys = ["attempts", "backoff", "on"];
    private static readonly string[] s_backoffKeys = ["initial", "multiplier", "max"];

    /// <summary>Reads the workflow file at <paramref name="path"/>; errors name the file as <paramref name="path"/> is given.</summary>
    /// <exception cref="WorkflowValidationException">The file is not a well-formed workflow.</exception>
    public static WorkflowDefinition Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Reads the workflow file at <paramref name="path"/> and validates it against <paramref name="catalog"/>.</summary>
    /// <exception cref="WorkflowValidationException">The file is not a well-formed or not a valid workflow.</exception>
    public static WorkflowDefinition Load(string path, IWorkflowCatalog catalog)
    {
        var workflow = Load(path);
        WorkflowValidator.ThrowIfInvalid(workflow, catalog);
        return workflow;
    }

    /// <summary>Reads a workflow from <paramref name="yaml"/>; errors name <paramref name="sourceName"/> as the file.</summary>
    /// <exception cref="WorkflowValidationException">The text is not a well-formed workflow; every problem found is listed.</exception>
    public static WorkflowDefinition Parse(string yaml, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        var reader = new Reader(sourceName);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new WorkflowValidationException([new WorkflowError(sourceName, Line(e.Start), null, $"not valid YAML: {e.Message}")]);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this, without a position, when a flow collection is still open at the end.
            var end = yaml.Split('\n').Length;
            throw new WorkflowValidationException([new WorkflowError(sourceName, end, null, $"not valid YAML: the file ends inside a [list] or {{mapping}} ({e.Message})")]);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new WorkflowValidationException([new WorkflowError(sourceName, 1, null, "a workflow file holds one mapping (name, description, inputs, steps, outputs)")]);
        }

        var workflow = reader.Workflow(root);
        if (reader.Errors.Count > 0)
        {
            throw new WorkflowValidationException(reader.Errors);
        }

        return workflow;
    }

    private static int Line(Mark mark) => (int)Math.Min(mark.Line, int.MaxValue);

    private static int Line(YamlNode node) => Line(node.Start);

    private sealed class Reader(string file)
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
        private Dictionary<string, YamlNode> Keys(YamlMappingNode map, string[] known, string? id)
        {
            var keys = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (key, value) in map.Children)
            {
                var name = (key as YamlScalarNode)?.Value;
                if (name is null)
                {
                    Error(key, id, "a key must be a plain name");
                }
                else if (!known.Contains(name))
                {
                    Error(key, id, $"unknown key '{name}'{WorkflowNames.DidYouMean(name, known)}");
                }
                else
                {
                    keys[name] = value;
                }
            }

            return keys;
        }

        private YamlNode? Required(YamlMappingNode map, Dictionary<string, YamlNode> keys, string key, string? id)
        {
            if (keys.TryGetValue(key, out var node))
            {
                return node;
            }

            Error(map, id, $"'{key}' is missing");
            return null;
        }

        private YamlMappingNode? Mapping(YamlNode node, string? id, string what)
        {
            if (node is YamlMappingNode map)
            {
                return map;
            }

            Error(node, id, $"'{what}' must be a mapping");
            return null;
        }

        private string? Text(YamlNode node, string? id)
        {
            if (node is YamlScalarNode { Value: { } value } && !IsNull((YamlScalarNode)node))
            {
                return value;
            }

            Error(node, id, "expected a text value");
            return null;
        }

        private int? Int(YamlNode node, string? id)
        {
            if (Json(node) is JsonValue v && v.TryGetValue<long>(out var n) && n is >= int.MinValue and <= int.MaxValue)
            {
                return (int)n;
            }

            Error(node, id, "expected a whole number");
            return null;
        }

        private double? Number(YamlNode node, string? id)
        {
            var json = Json(node) as JsonValue;
            if (json is not null && json.TryGetValue<long>(out var n))
            {
                return n;
            }

            if (json is not null && json.TryGetValue<double>(out var d))
            {
                return d;
            }

            Error(node, id, "expected a number");
            return null;
        }

        private bool? Bool(YamlNode node, string? id)
        {
            if (Json(node) is JsonValue v && v.TryGetValue<bool>(out var b))
            {
                return b;
            }

            Error(node, id, "expected true or false");
            return null;
        }

        private TimeSpan? Duration(YamlNode node, string? id)
        {
            if (node is YamlScalarNode { Value: { } text } && ParseDuration(text.Trim()) is { } duration)
            {
                return duration;
            }

            Error(node, id, "expected a duration such as 500ms, 30s, 5m or 1h");
            return null;
        }

        private void Error(YamlNode node, string? id, string message) => Errors.Add(new WorkflowError(file, Line(node), id, message));
    }

    /// <summary>Parses <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c> or a number of seconds; null when it is none of these.</summary>
    internal static TimeSpan? ParseDuration(string text)
    {
        (string Suffix, double Scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && !(suffix == "s" && text.EndsWith("ms", StringComparison.Ordinal)))
            {
                return TimeSpan.FromSeconds(value * scale);
            }
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null;
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    /// <summary>
    /// A YAML node as JSON, by the YAML 1.2 core schema: quoted scalars are strings; plain ones are null, booleans,
    /// integers or floats when they read as such, and strings otherwise.
    /// </summary>
    internal static JsonNode? Json(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    obj[(key as YamlScalarNode)?.Value ?? key.ToString()] = Json(value);
                }

                return obj;
            case YamlSequenceNode sequence:
                return new JsonArray([.. sequence.Children.Select(Json)]);
            case YamlScalarNode scalar:
                if (scalar.Style != ScalarStyle.Plain)
                {
                    return JsonValue.Create(scalar.Value ?? string.Empty);
                }

                if (IsNull(scalar))
                {
                    return null;
                }

                var text = scalar.Value!;
                return text switch
                {
                    "true" or "True" or "TRUE" => JsonValue.Create(true),
                    "false" or "False" or "FALSE" => JsonValue.Create(false),
                    _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
                    _ when FloatPattern().IsMatch(text) => JsonValue.Create(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)),
                    _ => JsonValue.Create(text),
                };
            default:
                return null;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex FloatPattern();
}
