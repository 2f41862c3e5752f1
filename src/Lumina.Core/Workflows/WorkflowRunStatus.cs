namespace Lumina.Core.Workflows;

/// <summary>Where a workflow run is.</summary>
public enum WorkflowRunStatus
{
    /// <summary>A host runs it (or ran it and died: see <see cref="WorkflowRunRecord.RunnerSeenAt"/>).</summary>
    Running,

    /// <summary>It finished; <see cref="WorkflowRunRecord.Result"/> holds its outputs.</summary>
    Completed,

    /// <summary>A step failed and nothing recovered it; <see cref="WorkflowRunRecord.Error"/> says why.</summary>
    Failed,

    /// <summary>Somebody cancelled it.</summary>
    Cancelled,
}
