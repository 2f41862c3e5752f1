using System.Text.Json.Serialization;

namespace Lumina.Core.Tasks;

/// <summary>
/// A call that outlives its request (MCP's tasks extension), as the task store keeps it. What the client is shown
/// (<see cref="Result"/>, <see cref="Error"/>, <see cref="InputRequests"/>) is kept as protocol JSON text: the store
/// neither reads nor changes it.
/// </summary>
/// <remarks>
/// Records change only by compare-and-swap on <see cref="Version"/> (<see cref="ILuminaTaskStore.TryReplaceAsync"/>),
/// so a cancellation from one host and a result from another cannot overwrite each other.
/// </remarks>
public sealed record LuminaTaskRecord
{
    /// <summary>The task id the client polls: unguessable.</summary>
    public required string Id { get; init; }

    /// <summary>The caller who started it; nobody else sees it.</summary>
    public required string OwnerId { get; init; }

    /// <summary>The tool it runs.</summary>
    public required string Tool { get; init; }

    public LuminaTaskStatus Status { get; init; }

    /// <summary>A human-readable note on the status (the latest progress message, why it failed).</summary>
    public string? StatusMessage { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the status, its message, the questions or the outcome last changed.</summary>
    public required DateTimeOffset LastUpdatedAt { get; init; }

    /// <summary>How long the task is kept after its last change (and after the last sign of life of its runner).</summary>
    public required TimeSpan Ttl { get; init; }

    /// <summary>The tool's result as JSON (a completed task).</summary>
    public string? Result { get; init; }

    /// <summary>The JSON-RPC error as JSON (a failed task).</summary>
    public string? Error { get; init; }

    /// <summary>The questions still open, a JSON object of input requests by key (a task waiting for input).</summary>
    public string? InputRequests { get; init; }

    /// <summary>Answers the client gave that the running call has not taken yet, a JSON object by key.</summary>
    public string? InputResponses { get; init; }

    /// <summary>The client asked to cancel it; the host that runs it stops the call.</summary>
    public bool CancelRequested { get; init; }

    /// <summary>The host instance that runs the call.</summary>
    public string? Runner { get; init; }

    /// <summary>When that host last said it still runs the call.</summary>
    public DateTimeOffset? RunnerSeenAt { get; init; }

    /// <summary>The version read from the store: a replacement succeeds only while it is still the stored one (kept beside the JSON, not in it).</summary>
    [JsonIgnore]
    public long Version { get; init; }

    /// <summary>Whether the task has ended (completed, failed or cancelled).</summary>
    [JsonIgnore]
    public bool IsTerminal => Status is LuminaTaskStatus.Completed or LuminaTaskStatus.Failed or LuminaTaskStatus.Cancelled;

    /// <summary>When the store may forget it: its time to live after the later of its last change and its runner's last sign of life.</summary>
    [JsonIgnore]
    public DateTimeOffset ExpiresAt => (RunnerSeenAt is { } seen && seen > LastUpdatedAt ? seen : LastUpdatedAt) + Ttl;
}
