namespace Lumina.Workflows;

/// <summary>What an expression reads from the run's context: an input (<c>inputs.x</c>) or a step (<c>steps.x</c>).</summary>
/// <param name="Kind">Whether <see cref="Name"/> is an input or a step id.</param>
/// <param name="Name">The input's name or the step's id.</param>
public sealed record WorkflowReference(WorkflowReferenceKind Kind, string Name);

/// <summary>The kinds of <see cref="WorkflowReference"/>.</summary>
public enum WorkflowReferenceKind
{
    /// <summary><c>inputs.&lt;name&gt;</c>.</summary>
    Input,

    /// <summary><c>steps.&lt;id&gt;</c>.</summary>
    Step,
}
