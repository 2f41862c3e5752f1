using System.Text.Json.Nodes;
using Microsoft.Agents.AI.Workflows;

namespace Lumina.Workflows.Engine;

/// <summary>
/// A workflow definition as a Microsoft Agent Framework workflow: a start node, one executor per call step chained in
/// file order, a gate, a fan-out edge, the branch chains, a fan-in barrier edge and a join per parallel block, and an
/// end node that yields the final context.
/// </summary>
/// <remarks>
/// <c>when</c> is evaluated by the step's own executor rather than on an edge, so a skipped step is recorded in the
/// run (and its checkpoint) like any other. A step named as another's fallback is not a node: it runs only inside the
/// executor of the step that failed.
/// </remarks>
internal static class WorkflowGraph
{
    public const string StartId = "__start";
    public const string EndId = "__end";
    public const string GateSuffix = "__gate";

    public static Workflow Build(WorkflowDefinition definition, WorkflowRunScope scope)
    {
        var fallbacks = Fallbacks(definition);
        var start = new StartExecutor();
        var end = new EndExecutor();
        var builder = new WorkflowBuilder(start).WithName(definition.ToolName).WithDescription(definition.Description);
        var last = Chain(builder, start, definition.Steps, [], fallbacks, scope)?.Last ?? start;
        builder.AddEdge(last, end);
        return builder.WithOutputFrom(end).Build();
    }

    /// <summary>The ids of the steps named as another's fallback: they are not nodes, and run only as fallbacks.</summary>
    private static HashSet<string> Fallbacks(WorkflowDefinition definition) =>
        definition.AllSteps().Where(s => s.OnError == WorkflowOnError.Fallback && s.Fallback is not null).Select(s => s.Fallback!).ToHashSet(StringComparer.Ordinal);

    /// <summary>The ids of the steps that report progress: the call steps and parallel blocks that are not only fallbacks.</summary>
    public static HashSet<string> ProgressIds(WorkflowDefinition definition)
    {
        var fallbacks = Fallbacks(definition);
        return definition.AllSteps().Select(s => s.Id).Where(id => !fallbacks.Contains(id)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Adds <paramref name="steps"/> as a chain, linked after <paramref name="previous"/> when given, and returns its
    /// first and last nodes (null for a chain with no node). Node ids are the step ids (a gate's is the block's id and
    /// <see cref="GateSuffix"/>), so a run resumed in another process finds its checkpoint's nodes.
    /// </summary>
    private static (ExecutorBinding First, ExecutorBinding Last)? Chain(WorkflowBuilder builder, ExecutorBinding? previous, IEnumerable<WorkflowStep> steps, IReadOnlyList<string> blocks, HashSet<string> fallbacks, WorkflowRunScope scope)
    {
        ExecutorBinding? first = null;
        foreach (var step in steps.Where(s => !fallbacks.Contains(s.Id)))
        {
            ExecutorBinding entry;
            ExecutorBinding exit;
            if (!step.IsParallel)
            {
                entry = exit = new StepExecutor(step, blocks, scope);
            }
            else
            {
                entry = new GateExecutor(step, blocks, scope);
                var inner = blocks.Append(step.Id).ToList();
                var branches = step.Parallel.Select(b => Chain(builder, previous: null, b, inner, fallbacks, scope)).OfType<(ExecutorBinding First, ExecutorBinding Last)>().ToList();
                exit = new JoinExecutor(step, branches.Count, scope);
                if (branches.Count == 0)
                {
                    builder.AddEdge(entry, exit);
                }
                else
                {
                    builder.AddFanOutEdge(entry, branches.Select(b => b.First));
                    builder.AddFanInBarrierEdge(branches.Select(b => b.Last), exit);
                }
            }

            if (previous is not null)
            {
                builder.AddEdge(previous, entry);
            }

            first ??= entry;
            previous = exit;
        }

        return first is null ? null : (first, previous!);
    }

    public static JsonObject Parse(WorkflowToken token) =>
        JsonNode.Parse(token.Context) as JsonObject ?? throw new InvalidOperationException("A workflow token holds no context object.");

    /// <summary>The <c>steps</c> object of a context (created when missing).</summary>
    public static JsonObject Steps(JsonObject context)
    {
        if (context["steps"] is JsonObject steps)
        {
            return steps;
        }

        steps = [];
        context["steps"] = steps;
        return steps;
    }

    /// <summary>Whether the step (or block) <paramref name="id"/> is recorded as skipped in <paramref name="context"/>.</summary>
    public static bool IsSkipped(JsonObject context, string id) =>
        Steps(context)[id] is JsonObject record && record["skipped"] is JsonValue skipped && skipped.TryGetValue<bool>(out var yes) && yes;
}
