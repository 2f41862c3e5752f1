using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumina.Workflows;

/// <summary>
/// Checks what a well-formed workflow means: every expression parses and reads only known inputs and steps that run
/// before it; every call names a served tool with arguments its schema takes; limits are in range; no step depends on
/// itself through fallbacks, and no workflow calls itself. Every problem is reported, not only the first.
/// </summary>
public static class WorkflowValidator
{
    /// <summary>Every problem in <paramref name="workflow"/>, in file order; empty when it is valid.</summary>
    public static IReadOnlyList<WorkflowError> Validate(WorkflowDefinition workflow, IWorkflowCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(catalog);
        var check = new Check(workflow, catalog);
        check.Run();
        return [.. check.Errors.OrderBy(e => e.Line)];
    }

    /// <summary>Validates <paramref name="workflow"/> and throws when there is any problem.</summary>
    /// <exception cref="WorkflowValidationException">The workflow is not valid; <see cref="WorkflowValidationException.Errors"/> lists why.</exception>
    public static void ThrowIfInvalid(WorkflowDefinition workflow, IWorkflowCatalog catalog)
    {
        var errors = Validate(workflow, catalog);
        if (errors.Count > 0)
        {
            throw new WorkflowValidationException(errors);
        }
    }

    /// <summary>The JSON type of a literal: string, integer, number, boolean, object, array or null.</summary>
    internal static string? TypeOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v when v.TryGetValue<string>(out _) => "string",
        JsonValue v when v.TryGetValue<bool>(out _) => "boolean",
        JsonValue v when v.TryGetValue<long>(out _) => "integer",
        JsonValue v when v.TryGetValue<double>(out var d) => d == Math.Floor(d) && !double.IsInfinity(d) ? "integer" : "number",
        _ => null,
    };

    /// <summary>Whether a value of JSON type <paramref name="actual"/> fits the schema type <paramref name="expected"/>.</summary>
    internal static bool Fits(string actual, string expected) =>
        actual == expected || (actual == "integer" && expected == "number");

    private sealed class Check(WorkflowDefinition workflow, IWorkflowCatalog catalog)
    {
        private readonly Dictionary<string, WorkflowStep> _steps = workflow.AllSteps().Where(s => s.Id.Length > 0).GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        // What each step reads (its data dependencies); with fallbacks, the edges cycles are looked for in.
        private readonly Dictionary<string, HashSet<string>> _reads = new(StringComparer.Ordinal);

        public List<WorkflowError> Errors { get; } = [];

        public void Run()
        {
            Sequence(workflow.Steps, new HashSet<string>(StringComparer.Ordinal));
            foreach (var (name, output) in workflow.Outputs)
            {
                // The workflow's outputs are read after every step.
                Expression(output, null, _steps.Keys.ToHashSet(StringComparer.Ordinal), $"output '{name}'");
            }

            Cycles();
        }

        // Checks steps that run in order; 'before' holds the ids of the steps that ran earlier and grows as they run.
        private void Sequence(IReadOnlyList<WorkflowStep> steps, HashSet<string> before)
        {
            foreach (var step in steps)
            {
                _reads[step.Id] = new HashSet<string>(StringComparer.Ordinal);
                if (step.IsParallel)
                {
                    Condition(step, before);
                    var after = new HashSet<string>(before, StringComparer.Ordinal);
                    foreach (var branch in step.Parallel)
                    {
                        // A branch sees the steps before the block and its own earlier steps, never a sibling branch's.
                        var seen = new HashSet<string>(before, StringComparer.Ordinal);
                        Sequence(branch, seen);
                        after.UnionWith(seen);
                    }

                    before.UnionWith(after);
                }
                else
                {
                    Call(step, before);
                }

                before.Add(step.Id);
            }
        }

        private void Condition(WorkflowStep step, HashSet<string> before)
        {
            if (step.When is { } when)
            {
                Expression(when, step, before, "when");
            }

            if (step.Confirm is { } confirm)
            {
                foreach (var template in confirm.Templates())
                {
                    Expression(new WorkflowExpression(template, confirm.Line, IsTemplate: true), step, before, "confirm");
                }
            }
        }

        private void Call(WorkflowStep step, HashSet<string> before)
        {
            Condition(step, before);
            if (step.ForEach is { } forEach)
            {
                Expression(forEach, step, before, "foreach");
            }

            if (step.Concurrency < 1)
            {
                Error(step.ConcurrencyLine, step, $"'concurrency' must be at least 1, not {step.Concurrency}");
            }

            if (step.Retry is { } retry)
            {
                if (retry.Attempts is < 1 or > WorkflowRetry.MaxAttempts)
                {
                    Error(retry.Line, step, $"'retry.attempts' must be 1 to {WorkflowRetry.MaxAttempts}, not {retry.Attempts}");
                }

                if (retry.Backoff.Initial <= TimeSpan.Zero || retry.Backoff.Max <= TimeSpan.Zero)
                {
                    Error(retry.Line, step, "'retry.backoff' delays must be positive");
                }
                else if (retry.Backoff.Max < retry.Backoff.Initial)
                {
                    Error(retry.Line, step, "'retry.backoff.max' must not be shorter than 'retry.backoff.initial'");
                }

                if (retry.Backoff.Multiplier < 1)
                {
                    Error(retry.Line, step, "'retry.backoff.multiplier' must be at least 1");
                }
            }

            if (step.Timeout is { } timeout && timeout <= TimeSpan.Zero)
            {
                Error(step.TimeoutLine, step, "'timeout' must be positive");
            }

            if (step.OnError == WorkflowOnError.Fallback && step.Fallback is { } fallback)
            {
                if (fallback == step.Id)
                {
                    Error(step.OnErrorLine, step, "a step cannot be its own fallback");
                }
                else if (!_steps.ContainsKey(fallback))
                {
                    Error(step.OnErrorLine, step, $"'on_error' is fail, continue or a step id; there is no step '{fallback}'{WorkflowNames.DidYouMean(fallback, _steps.Keys)}");
                }
            }

            foreach (var (name, value) in step.With)
            {
                foreach (var template in value.Templates())
                {
                    Expression(new WorkflowExpression(template, value.Line, IsTemplate: true), step, before, $"argument '{name}'");
                }
            }

            // Outputs read the step's own result too.
            var withSelf = new HashSet<string>(before, StringComparer.Ordinal) { step.Id };
            foreach (var (name, output) in step.Outputs)
            {
                Expression(output, step, withSelf, $"output '{name}'");
            }

            Tool(step);
        }

        private void Tool(WorkflowStep step)
        {
            if (step.Call is not { } call)
            {
                return;
            }

            if (call == workflow.ToolName)
            {
                Error(step.CallLine, step, $"the workflow calls itself ('{call}'): a cycle");
                return;
            }

            if (!catalog.TryGet(call, out var schema))
            {
                Error(step.CallLine, step, $"unknown function '{call}'{WorkflowNames.DidYouMean(call, catalog.Names)}");
                return;
            }

            var properties = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
                ? p.EnumerateObject().ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal)
                : [];
            foreach (var (name, value) in step.With)
            {
                if (!properties.TryGetValue(name, out var property))
                {
                    var known = properties.Count == 0 ? "it takes no arguments" : $"it takes {string.Join(", ", properties.Keys)}";
                    Error(value.Line, step, $"'{call}' has no argument '{name}'{WorkflowNames.DidYouMean(name, properties.Keys)}; {known}");
                    continue;
                }

                var allowed = SchemaTypes(property);
                if (allowed.Count == 0)
                {
                    continue;
                }

                // A literal's type is known now; so is an interpolated string's. An exact ${{ }} is known only at run time.
                var actual = value.IsLiteral
                    ? TypeOf(value.Value)
                    : value.Value is JsonValue v && v.TryGetValue<string>(out var text) && !IsExact(text) ? "string" : null;
                if (actual is not null && !allowed.Any(t => Fits(actual, t)))
                {
                    Error(value.Line, step, $"argument '{name}' of '{call}' is {actual}, not {string.Join(" or ", allowed)}");
                }
            }

            if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
            {
                foreach (var name in required.EnumerateArray().Select(r => r.GetString()).OfType<string>())
                {
                    if (!step.With.ContainsKey(name))
                    {
                        Error(step.CallLine, step, $"'{call}' needs the argument '{name}'");
                    }
                }
            }
        }

        // "${{ expr }}" and nothing else: its value keeps its JSON type, known only at run time.
        private static bool IsExact(string text)
        {
            var trimmed = text.Trim();
            return trimmed.StartsWith("${{", StringComparison.Ordinal) && trimmed.EndsWith("}}", StringComparison.Ordinal)
                && trimmed.IndexOf("${{", 3, StringComparison.Ordinal) < 0;
        }

        private static List<string> SchemaTypes(JsonElement property)
        {
            if (!property.TryGetProperty("type", out var type))
            {
                return [];
            }

            return type.ValueKind switch
            {
                JsonValueKind.String => [type.GetString()!],
                JsonValueKind.Array => [.. type.EnumerateArray().Select(t => t.GetString()).OfType<string>()],
                _ => [],
            };
        }

        private void Expression(WorkflowExpression expression, WorkflowStep? step, HashSet<string> before, string what)
        {
            IReadOnlyList<WorkflowReference> references;
            try
            {
                references = expression.IsTemplate ? WorkflowExpressions.References(expression.Text) : WorkflowExpressions.QueryReferences(expression.Text);
            }
            catch (WorkflowExpressionException e)
            {
                Error(expression.Line, step, $"{what}: {e.Message}");
                return;
            }

            foreach (var reference in references)
            {
                if (reference.Kind == WorkflowReferenceKind.Input)
                {
                    if (!workflow.Inputs.ContainsKey(reference.Name))
                    {
                        Error(expression.Line, step, $"{what}: unknown input '{reference.Name}'{WorkflowNames.DidYouMean(reference.Name, workflow.Inputs.Keys)}");
                    }

                    continue;
                }

                if (step is not null)
                {
                    _reads[step.Id].Add(reference.Name);
                }

                if (!_steps.ContainsKey(reference.Name))
                {
                    Error(expression.Line, step, $"{what}: unknown step '{reference.Name}'{WorkflowNames.DidYouMean(reference.Name, _steps.Keys)}");
                }
                else if (!before.Contains(reference.Name))
                {
                    var why = step is not null && reference.Name == step.Id ? "its own result is read only in its outputs" : "it does not run before this one";
                    Error(expression.Line, step, $"{what}: reads step '{reference.Name}', but {why}");
                }
            }
        }

        // Cycles through reads and fallbacks: a step that falls back to a step reading it, or fallbacks in a ring.
        private void Cycles()
        {
            var edges = _reads.ToDictionary(p => p.Key, p => new HashSet<string>(p.Value, StringComparer.Ordinal), StringComparer.Ordinal);
            foreach (var step in _steps.Values.Where(s => s.OnError == WorkflowOnError.Fallback && s.Fallback is not null && s.Fallback != s.Id))
            {
                if (!edges.TryGetValue(step.Id, out var set))
                {
                    edges[step.Id] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(step.Fallback!);
            }

            var state = new Dictionary<string, int>(StringComparer.Ordinal);
            var reported = new HashSet<string>(StringComparer.Ordinal);
            var path = new List<string>();
            foreach (var id in _steps.Keys)
            {
                Visit(id);
            }

            void Visit(string id)
            {
                state[id] = 1;
                path.Add(id);
                foreach (var next in edges.GetValueOrDefault(id) ?? [])
                {
                    if (!_steps.ContainsKey(next) || next == id)
                    {
                        continue;
                    }

                    var s = state.GetValueOrDefault(next);
                    if (s == 1)
                    {
                        var ring = path.Skip(path.IndexOf(next)).Append(next).ToList();
                        if (reported.Add(string.Join(",", ring.Skip(1).Order(StringComparer.Ordinal))))
                        {
                            var first = _steps[next];
                            Error(first.Line, first, $"a cycle through fallbacks: {string.Join(" -> ", ring)}");
                        }
                    }
                    else if (s == 0)
                    {
                        Visit(next);
                    }
                }

                path.RemoveAt(path.Count - 1);
                state[id] = 2;
            }
        }

        private void Error(int line, WorkflowStep? step, string message) =>
            Errors.Add(new WorkflowError(workflow.SourceFile, line, step?.Id is { Length: > 0 } id ? id : null, message));
    }
}
