using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lumina.Abstractions;
using Microsoft.Extensions.AI;

namespace Lumina.Workflows.Planning;

/// <summary>
/// Has a model write a workflow for a goal over the caller's visible tools, checks it as a workflow file is checked
/// (it parses; every tool exists and the caller may call it; arguments fit the schemas; every reference runs before
/// it; no cycles), and feeds the errors back for another try, up to a number of repair rounds.
/// </summary>
public sealed partial class WorkflowPlanner(IChatClient chat)
{
    /// <summary>The most tools described to the model, in the order the caller's catalog lists them.</summary>
    public const int MaxToolsShown = 150;

    private const string Guide = """
        You write workflows for Lumina: YAML files of steps over Lumina's tools. Answer with one YAML document in a
        ```yaml block and nothing else. The format:

        name: snake_case_name          # [a-z0-9_]+
        description: One sentence on what it does.
        inputs:                        # optional; the values the user gives when running it
          folder: { type: string, description: What it is. }     # types: string integer number boolean object array
          limit: { type: integer, default: 5 }                    # a default makes it optional
        steps:
          - id: step_id                # [a-z0-9_]+, unique
            call: tool_name            # one of the tools listed below, exactly
            with:                      # the tool's arguments, fitting its schema
              path: ${{ inputs.folder }}                 # ${{ expr }} is JMESPath over the context
              text: "Result: ${{ steps.other.result }}"  # text around an expression makes a string
            when: steps.other.result                     # optional bare JMESPath; the step runs only when truthy
            foreach: steps.list.result.entries           # optional: run once per item (item, index)
            concurrency: 4                               # with foreach: how many at once
            retry: { attempts: 3, on: [unavailable, timeout] }
            timeout: 30s
            on_error: continue                           # fail (default) | continue | <id of a fallback step>
            confirm: Ask the user this before the step?  # for steps that change things
            outputs:
              name: ${{ result.field }}                  # values taken from this step's result
          - id: both
            parallel:                                    # branches that run at the same time
              - - id: a
                  call: tool_a
              - - id: b
                  call: tool_b
        outputs:
          answer: ${{ steps.step_id.result }}

        The context: inputs.<name>; steps.<id>.result (the tool's result: a string, or the JSON object it returns);
        steps.<id>.outputs.<name>; in a foreach step also item and index; in outputs also result. A step may only read
        steps that run before it. Use only the tools below, only the arguments their schemas have, and put a confirm on
        any step that writes, deletes or sends something.
        """;

    /// <summary>Writes a plan for <paramref name="goal"/> over <paramref name="tools"/> and returns it checked, or the errors of its last try.</summary>
    /// <param name="goal">What the caller wants done.</param>
    /// <param name="tools">The tools the caller may call (the planner's own left out).</param>
    /// <param name="repairRounds">How many times the errors are sent back for a corrected plan (0 to 5).</param>
    public async Task<PlanOutcome> PlanAsync(string goal, IReadOnlyList<LuminaToolInfo> tools, int repairRounds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(tools);
        var catalog = new WorkflowCatalog(tools);
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, Guide + "\n\nThe tools:\n" + Describe(tools)),
            new(ChatRole.User, "The goal: " + goal),
        };

        string yaml = string.Empty;
        IReadOnlyList<WorkflowError> errors = [];
        for (var round = 0; round <= repairRounds; round++)
        {
            var response = await chat.GetResponseAsync(messages, new ChatOptions { Temperature = 0 }, cancellationToken).ConfigureAwait(false);
            messages.AddRange(response.Messages);
            yaml = Extract(response.Text);
            (var definition, errors) = Check(yaml, catalog);
            if (definition is not null)
            {
                return new PlanOutcome(definition, yaml, [], round + 1);
            }

            messages.Add(new ChatMessage(ChatRole.User, "That plan has errors. Answer with the whole corrected YAML only.\n" + string.Join('\n', errors.Select(e => "- " + e))));
        }

        return new PlanOutcome(null, yaml, errors, repairRounds + 1);
    }

    /// <summary>Parses and validates <paramref name="yaml"/> (a plan) against <paramref name="catalog"/>.</summary>
    /// <returns>The definition, or null and the errors.</returns>
    public static (WorkflowDefinition? Definition, IReadOnlyList<WorkflowError> Errors) Check(string yaml, IWorkflowCatalog catalog)
    {
        try
        {
            var definition = WorkflowLoader.Parse(yaml, "plan");
            var errors = WorkflowValidator.Validate(definition, catalog);
            return errors.Count == 0 ? (definition, []) : (null, errors);
        }
        catch (WorkflowValidationException ex)
        {
            return (null, ex.Errors.Count > 0 ? ex.Errors : [new WorkflowError("plan", 1, null, ex.Message)]);
        }
    }

    /// <summary>A plan as a person reads it: what it is for, what it asks for, and each step in order.</summary>
    public static string Summarize(WorkflowDefinition plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{plan.Name}: {plan.Description}\n");
        if (plan.Inputs.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Inputs: {string.Join(", ", plan.Inputs.Select(i => $"{i.Key} ({i.Value.Type}{(i.Value.Required && i.Value.Default is null ? string.Empty : ", optional")})"))}\n");
        }

        var number = 0;
        Steps(plan.Steps, string.Empty);
        return text.ToString().TrimEnd();

        void Steps(IEnumerable<WorkflowStep> steps, string indent)
        {
            foreach (var step in steps)
            {
                number++;
                if (step.IsParallel)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{indent}{number}. {step.Id}: {step.Parallel.Count} branches at once{Conditions(step)}\n");
                    foreach (var branch in step.Parallel)
                    {
                        Steps(branch, indent + "   ");
                    }

                    continue;
                }

                var arguments = string.Join(", ", step.With.Select(w => $"{w.Key}={Short(w.Value.Value?.ToJsonString() ?? "null")}"));
                text.Append(CultureInfo.InvariantCulture, $"{indent}{number}. {step.Id}: {step.Call}({arguments}){Conditions(step)}\n");
            }
        }
    }

    private static string Conditions(WorkflowStep step)
    {
        var parts = new List<string>();
        if (step.ForEach is { } each)
        {
            parts.Add($"for each of {each.Text}");
        }

        if (step.When is { } when)
        {
            parts.Add($"only when {when.Text}");
        }

        if (step.Confirm is not null)
        {
            parts.Add("asks you first");
        }

        if (step.OnError != WorkflowOnError.Fail)
        {
            parts.Add(step.OnError == WorkflowOnError.Continue ? "goes on if it fails" : $"falls back to {step.Fallback}");
        }

        return parts.Count == 0 ? string.Empty : " — " + string.Join("; ", parts);
    }

    private static string Short(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static string Describe(IReadOnlyList<LuminaToolInfo> tools)
    {
        var text = new StringBuilder();
        foreach (var tool in tools.Take(MaxToolsShown))
        {
            text.Append(CultureInfo.InvariantCulture, $"- {tool.Name}: {tool.Description}\n  arguments: {Arguments(tool.InputSchema)}\n");
        }

        return text.ToString();
    }

    /// <summary>A schema's properties as <c>name (type, required): description</c>, compact.</summary>
    private static string Arguments(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return "none";
        }

        var required = schema.TryGetProperty("required", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(e => e.GetString()).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        var parts = properties.EnumerateObject().Select(p =>
        {
            var type = p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("type", out var t) ? t.ToString() : "any";
            var description = p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? ": " + d.GetString() : string.Empty;
            return $"{p.Name} ({type}{(required.Contains(p.Name) ? ", required" : string.Empty)}){description}";
        });
        var joined = string.Join("; ", parts);
        return joined.Length == 0 ? "none" : joined;
    }

    /// <summary>The YAML of an answer: the first fenced block if there is one, else the whole text.</summary>
    internal static string Extract(string answer)
    {
        var match = FencedBlock().Match(answer ?? string.Empty);
        return (match.Success ? match.Groups["body"].Value : answer ?? string.Empty).Trim() + "\n";
    }

    [GeneratedRegex(@"```(?:ya?ml)?[ \t]*\r?\n(?<body>.*?)```", RegexOptions.Singleline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex FencedBlock();
}

/// <summary>What planning came to.</summary>
/// <param name="Plan">The checked plan, or null when the last try still had errors.</param>
/// <param name="Yaml">The last plan's YAML.</param>
/// <param name="Errors">The last try's errors (empty when <paramref name="Plan"/> is set).</param>
/// <param name="Attempts">How many plans the model wrote.</param>
public sealed record PlanOutcome(WorkflowDefinition? Plan, string Yaml, IReadOnlyList<WorkflowError> Errors, int Attempts);
