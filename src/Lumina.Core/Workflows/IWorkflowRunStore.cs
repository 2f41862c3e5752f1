namespace Lumina.Core.Workflows;

/// <summary>
/// Where workflow runs live — the run records, the engine's checkpoints and the ledger of finished steps — so that a
/// run survives its host (SQLite for one machine, Redis for several). A finished run is forgotten, with its
/// checkpoints and steps, at its <see cref="WorkflowRunRecord.ExpiresAt"/>.
/// </summary>
public interface IWorkflowRunStore
{
    /// <summary>Stores a new run (version 1), durably.</summary>
    /// <exception cref="InvalidOperationException">A run with this id exists.</exception>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<WorkflowRunRecord> CreateAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default);

    /// <summary>The run, or <see langword="null"/> when there is none of this id (or it has expired).</summary>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<WorkflowRunRecord?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the stored run with <paramref name="run"/> if its version is still <paramref name="run"/>'s
    /// <see cref="WorkflowRunRecord.Version"/>; the stored copy gets the next version.
    /// </summary>
    /// <returns>The stored run with its new version, or <see langword="null"/> when it changed (or expired) since it was read.</returns>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<WorkflowRunRecord?> TryReplaceAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs newest first: those of <paramref name="ownerId"/> (every owner's when null), only the unfinished ones when
    /// <paramref name="unfinishedOnly"/>, at most <paramref name="limit"/>.
    /// </summary>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<IReadOnlyList<WorkflowRunRecord>> ListAsync(string? ownerId = null, bool unfinishedOnly = false, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Keeps a checkpoint of run <paramref name="runId"/> under <paramref name="checkpointId"/> (the engine's state as JSON), durably.</summary>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task AddCheckpointAsync(string runId, string checkpointId, string? parentId, string json, CancellationToken cancellationToken = default);

    /// <summary>The checkpoint's JSON, or <see langword="null"/> when the run has no such checkpoint.</summary>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<string?> GetCheckpointAsync(string runId, string checkpointId, CancellationToken cancellationToken = default);

    /// <summary>The run's checkpoint ids in the order they were added (those with parent <paramref name="parentId"/> only, when given).</summary>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<IReadOnlyList<string>> ListCheckpointsAsync(string runId, string? parentId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that the step (or foreach item) <paramref name="key"/> of run <paramref name="runId"/> finished with
    /// <paramref name="resultJson"/>, unless it was recorded before: the first record wins.
    /// </summary>
    /// <returns>The recorded result: <paramref name="resultJson"/>, or the earlier one.</returns>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<string> RecordStepAsync(string runId, string key, string resultJson, CancellationToken cancellationToken = default);

    /// <summary>The result recorded for step <paramref name="key"/> of run <paramref name="runId"/>, or <see langword="null"/> when it has not finished.</summary>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<string?> GetStepAsync(string runId, string key, CancellationToken cancellationToken = default);

    /// <summary>Every step recorded for run <paramref name="runId"/>, key → result JSON, in the order they were recorded.</summary>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<IReadOnlyList<KeyValuePair<string, string>>> ListStepsAsync(string runId, CancellationToken cancellationToken = default);
}
