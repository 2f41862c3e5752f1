using System.Text.Json.Serialization;

namespace Lumina.Core.Workflows;

/// <summary>
/// One run of a workflow as the run store keeps it: who started it with what, where it is, and which host runs it, so
/// that a run interrupted by a dead host is picked up by another (or by the same one after a restart).
/// </summary>
/// <remarks>
/// Records change only by compare-and-swap on <see cref="Version"/> (<see cref="IWorkflowRunStore.TryReplaceAsync"/>),
/// so two hosts cannot both take over a run, and a cancellation cannot be lost under a progress update.
/// </remarks>
public sealed record WorkflowRunRecord
{
    /// <summary>The run id: unguessable.</summary>
    public required string Id { get; init; }

    /// <summary>The workflow's name (its tool is <c>workflow_&lt;name&gt;</c>).</summary>
    public required string Workflow { get; init; }

    /// <summary>The workflow's definition as it was when the run started (YAML text), so a resumed run runs what it started with.</summary>
    public required string Definition { get; init; }

    /// <summary>The file the definition came from, as errors name it.</summary>
    public required string Source { get; init; }

    /// <summary>The caller's id: only this caller (and admins) see the run.</summary>
    public required string OwnerId { get; init; }

    /// <summary>The caller every step runs as, as JSON (a serialized <see cref="Abstractions.LuminaCaller"/>).</summary>
    public required string Caller { get; init; }

    /// <summary>The workflow's arguments, a JSON object.</summary>
    public required string Inputs { get; init; }

    public WorkflowRunStatus Status { get; init; }

    /// <summary>A human-readable note on the status (the step running, why it failed).</summary>
    public string? StatusMessage { get; init; }

    /// <summary>How many steps have finished (skipped ones included).</summary>
    public int StepsDone { get; init; }

    /// <summary>How many steps the workflow has in all.</summary>
    public int StepsTotal { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When anything but the runner's heartbeat last changed.</summary>
    public required DateTimeOffset LastUpdatedAt { get; init; }

    /// <summary>How long a finished run is kept after its last change.</summary>
    public required TimeSpan Ttl { get; init; }

    /// <summary>The workflow's outputs, a JSON object (a completed run).</summary>
    public string? Result { get; init; }

    /// <summary>Why it failed (a failed run).</summary>
    public string? Error { get; init; }

    /// <summary>Somebody asked to cancel it; the host that runs it stops.</summary>
    public bool CancelRequested { get; init; }

    /// <summary>The host instance that runs it.</summary>
    public string? Runner { get; init; }

    /// <summary>When that host last said it still runs it.</summary>
    public DateTimeOffset? RunnerSeenAt { get; init; }

    /// <summary>How many times a host took the run over after its runner died.</summary>
    public int Resumes { get; init; }

    /// <summary>The version read from the store: a replacement succeeds only while it is still the stored one (kept beside the JSON, not in it).</summary>
    [JsonIgnore]
    public long Version { get; init; }

    /// <summary>Whether the run has ended (completed, failed or cancelled).</summary>
    [JsonIgnore]
    public bool IsTerminal => Status is WorkflowRunStatus.Completed or WorkflowRunStatus.Failed or WorkflowRunStatus.Cancelled;

    /// <summary>When the store may forget a finished run; a run still running is never forgotten.</summary>
    [JsonIgnore]
    public DateTimeOffset? ExpiresAt => IsTerminal ? LastUpdatedAt + Ttl : null;
}
