namespace Lumina.Workflows;

/// <summary>
/// One step of a workflow: either a call of a served tool (<see cref="Call"/>) or a block of branches that run
/// concurrently (<see cref="Parallel"/>).
/// </summary>
/// <param name="Id">The step's id, <c>[a-z0-9_]+</c>, unique in the workflow; expressions read its result as <c>steps.&lt;id&gt;.result</c>.</param>
/// <param name="Line">The source line of the step.</param>
/// <remarks>
/// Run-time semantics the execution slice implements: a <see cref="ForEach"/> step runs once per item of the array
/// (the item is <c>item</c>, its index <c>index</c>) at most <see cref="Concurrency"/> at a time, and its result is the
/// array of the per-item results. A step named as another's fallback (<see cref="OnError"/> is
/// <see cref="WorkflowOnError.Fallback"/>) runs in place of the failed step, its result standing for that step's.
/// </remarks>
public sealed record WorkflowStep(string Id, int Line)
{
    /// <summary>The tool the step calls, such as <c>files_read</c>, <c>ask</c> or <c>workflow_other</c>; null for a parallel block.</summary>
    public string? Call { get; init; }

    /// <summary>The line of <see cref="Call"/>.</summary>
    public int CallLine { get; init; }

    /// <summary>The tool's arguments by name: literal JSON or templates.</summary>
    public IReadOnlyDictionary<string, WorkflowValue> With { get; init; } = new Dictionary<string, WorkflowValue>();

    /// <summary>A bare JMESPath condition; the step is skipped unless its value is truthy.</summary>
    public WorkflowExpression? When { get; init; }

    /// <summary>A bare JMESPath expression yielding the array the step runs over.</summary>
    public WorkflowExpression? ForEach { get; init; }

    /// <summary>How many items of <see cref="ForEach"/> run at once.</summary>
    /// <value>The default value is 1.</value>
    public int Concurrency { get; init; } = 1;

    /// <summary>The line of <see cref="Concurrency"/> (the step's line when not given).</summary>
    public int ConcurrencyLine { get; init; }

    /// <summary>The branches of a parallel block, each a list of steps run in order; the branches run concurrently.</summary>
    public IReadOnlyList<IReadOnlyList<WorkflowStep>> Parallel { get; init; } = [];

    /// <summary>How the step is retried; null for no retries.</summary>
    public WorkflowRetry? Retry { get; init; }

    /// <summary>How long one attempt may take; null for the tool's own limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The line of <see cref="Timeout"/>.</summary>
    public int TimeoutLine { get; init; }

    /// <summary>What a failure does.</summary>
    /// <value>The default value is <see cref="WorkflowOnError.Fail"/>.</value>
    public WorkflowOnError OnError { get; init; } = WorkflowOnError.Fail;

    /// <summary>The id of the step that runs instead when <see cref="OnError"/> is <see cref="WorkflowOnError.Fallback"/>.</summary>
    public string? Fallback { get; init; }

    /// <summary>The line of <c>on_error</c>.</summary>
    public int OnErrorLine { get; init; }

    /// <summary>A question put to the user before the step runs (a template); the step runs only when the user agrees.</summary>
    public WorkflowValue? Confirm { get; init; }

    /// <summary>The step's named outputs: templates over the step's <c>result</c> (and the run's context).</summary>
    public IReadOnlyDictionary<string, WorkflowExpression> Outputs { get; init; } = new Dictionary<string, WorkflowExpression>();

    /// <summary>Whether the step is a parallel block rather than a call.</summary>
    public bool IsParallel => Parallel.Count > 0;
}
