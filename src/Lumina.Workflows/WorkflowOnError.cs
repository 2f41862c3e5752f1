namespace Lumina.Workflows;

/// <summary>What a step's failure does to the run (<c>on_error</c> in YAML).</summary>
public enum WorkflowOnError
{
    /// <summary><c>fail</c>: the run fails.</summary>
    Fail,

    /// <summary><c>continue</c>: the step's result is null and the run goes on.</summary>
    Continue,

    /// <summary>A step id: that step runs in place of the failed one.</summary>
    Fallback,
}
