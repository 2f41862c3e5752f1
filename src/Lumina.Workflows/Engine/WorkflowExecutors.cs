using System.Text.Json.Nodes;
using Microsoft.Agents.AI.Workflows;

namespace Lumina.Workflows.Engine;

/// <summary>The engine's first node: passes the run's initial context on (so a workflow may open with a parallel block).</summary>
internal sealed class StartExecutor() : Executor<WorkflowToken, WorkflowToken>(WorkflowGraph.StartId)
{
    public override ValueTask<WorkflowToken> HandleAsync(WorkflowToken message, IWorkflowContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(message);
}

/// <summary>One call step: runs it (or replays its recorded result) and passes the context on with its record under <c>steps.&lt;id&gt;</c>.</summary>
internal sealed class StepExecutor(WorkflowStep step, IReadOnlyList<string> blocks, WorkflowRunScope scope)
    : Executor<WorkflowToken, WorkflowToken>(step.Id)
{
    public override async ValueTask<WorkflowToken> HandleAsync(WorkflowToken message, IWorkflowContext context, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, scope.Cancellation);
        await scope.EnsureOwnedAsync(linked.Token).ConfigureAwait(false);
        var runContext = WorkflowGraph.Parse(message);
        var runner = new WorkflowStepRunner(scope, confirmedBefore: blocks.Any(b => scope.Steps.TryGetValue(b, out var block) && block.Confirm is not null));
        var record = blocks.Any(b => WorkflowGraph.IsSkipped(runContext, b))
            ? await runner.RecordAsync(step.Id, new JsonObject { ["result"] = null, ["skipped"] = true }, linked.Token).ConfigureAwait(false)
            : await runner.RunAsync(step, runContext, linked.Token).ConfigureAwait(false);
        WorkflowGraph.Steps(runContext)[step.Id] = record;
        if (scope.StepFinished is { } finished)
        {
            await finished(step.Id).ConfigureAwait(false);
        }

        return new WorkflowToken(runContext.ToJsonString());
    }
}

/// <summary>A parallel block's gate: decides whether its branches run (its <c>when</c> and <c>confirm</c>) before they fan out.</summary>
internal sealed class GateExecutor(WorkflowStep block, IReadOnlyList<string> blocks, WorkflowRunScope scope)
    : Executor<WorkflowToken, WorkflowToken>(block.Id + WorkflowGraph.GateSuffix)
{
    public override async ValueTask<WorkflowToken> HandleAsync(WorkflowToken message, IWorkflowContext context, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, scope.Cancellation);
        var runContext = WorkflowGraph.Parse(message);
        var open = !blocks.Any(b => WorkflowGraph.IsSkipped(runContext, b))
            && await new WorkflowStepRunner(scope).OpenBlockAsync(block, runContext, linked.Token).ConfigureAwait(false);
        if (!open)
        {
            WorkflowGraph.Steps(runContext)[block.Id] = new JsonObject { ["result"] = null, ["skipped"] = true };
        }

        return new WorkflowToken(runContext.ToJsonString());
    }
}

/// <summary>
/// A parallel block's join: waits for the context of each of its branches (a fan-in barrier delivers them in one
/// superstep), merges their steps, and records the block, whose result is its branch steps' results by id.
/// </summary>
[SendsMessage(typeof(WorkflowToken))]
internal sealed class JoinExecutor(WorkflowStep block, int branches, WorkflowRunScope scope) : Executor<WorkflowToken>(block.Id)
{
    private readonly Lock _gate = new();
    private readonly List<JsonObject> _arrived = [];

    public override async ValueTask HandleAsync(WorkflowToken message, IWorkflowContext context, CancellationToken cancellationToken)
    {
        List<JsonObject> all;
        lock (_gate)
        {
            _arrived.Add(WorkflowGraph.Parse(message));
            if (_arrived.Count < branches)
            {
                return;
            }

            all = [.. _arrived];
            _arrived.Clear();
        }

        var merged = all[0];
        var steps = WorkflowGraph.Steps(merged);
        foreach (var other in all.Skip(1))
        {
            foreach (var (id, record) in WorkflowGraph.Steps(other))
            {
                if (!steps.ContainsKey(id))
                {
                    steps[id] = record?.DeepClone();
                }
            }
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, scope.Cancellation);
        JsonObject own;
        if (WorkflowGraph.IsSkipped(merged, block.Id))
        {
            own = new JsonObject { ["result"] = null, ["skipped"] = true };
        }
        else
        {
            var results = new JsonObject();
            foreach (var branch in block.Parallel)
            {
                foreach (var inner in branch.Where(s => steps.ContainsKey(s.Id)))
                {
                    results[inner.Id] = steps[inner.Id]?["result"]?.DeepClone();
                }
            }

            own = new JsonObject { ["result"] = results };
        }

        steps[block.Id] = await new WorkflowStepRunner(scope).RecordAsync(block.Id, own, linked.Token).ConfigureAwait(false);
        if (scope.StepFinished is { } finished)
        {
            await finished(block.Id).ConfigureAwait(false);
        }

        await context.SendMessageAsync(new WorkflowToken(merged.ToJsonString()), targetId: null, linked.Token).ConfigureAwait(false);
    }
}

/// <summary>The engine's last node: yields the final context, from which the run's outputs are read.</summary>
[YieldsOutput(typeof(WorkflowToken))]
internal sealed class EndExecutor() : Executor<WorkflowToken>(WorkflowGraph.EndId)
{
    public override ValueTask HandleAsync(WorkflowToken message, IWorkflowContext context, CancellationToken cancellationToken) =>
        context.YieldOutputAsync(message, cancellationToken);
}
