using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Workflows;
using Microsoft.Extensions.Logging;

namespace Lumina.Workflows.Engine;

/// <summary>What the executors of one run share: the run, its caller and the services its steps use.</summary>
internal sealed class WorkflowRunScope
{
    private Dictionary<string, JsonElement>? _schemas;

    public required string RunId { get; init; }

    public required WorkflowDefinition Definition { get; init; }

    public required IWorkflowRunStore Store { get; init; }

    public required ILuminaTools Tools { get; init; }

    public required ILuminaCallContextAccessor Accessor { get; init; }

    /// <summary>The caller's context every step runs in (a detachable one while a client waits).</summary>
    public required ILuminaCallContext CallContext { get; init; }

    public required TimeProvider Time { get; init; }

    public required ILogger Logger { get; init; }

    /// <summary>Cancelled when the run is cancelled or its host loses it.</summary>
    public required CancellationToken Cancellation { get; init; }

    /// <summary>Every step by id, the fallbacks included.</summary>
    public required IReadOnlyDictionary<string, WorkflowStep> Steps { get; init; }

    /// <summary>This host's name as the run's runner.</summary>
    public required string Runner { get; init; }

    /// <summary>
    /// Throws unless this host still runs the run: a host that lost it (it missed its heartbeats and another took
    /// over) must not start another step before its next heartbeat stops it.
    /// </summary>
    public async Task EnsureOwnedAsync(CancellationToken cancellationToken)
    {
        var run = await Store.GetAsync(RunId, cancellationToken).ConfigureAwait(false);
        if (run is null || run.Runner != Runner || run.IsTerminal || run.CancelRequested)
        {
            throw new OperationCanceledException($"Run {RunId} is no longer this host's to run.", cancellationToken);
        }
    }

    /// <summary>Called when a step of the graph has finished (recorded), with its id.</summary>
    public Func<string, ValueTask>? StepFinished { get; init; }

    /// <summary>The schema of the arguments of <paramref name="tool"/> as the caller sees it, or null when the caller sees no such tool.</summary>
    public JsonElement? SchemaOf(string tool)
    {
        _schemas ??= Tools.List().ToDictionary(t => t.Name, t => t.InputSchema, StringComparer.Ordinal);
        return _schemas.TryGetValue(tool, out var schema) ? schema : null;
    }
}
