namespace Lumina.Workflows;

/// <summary>One problem in a workflow file.</summary>
/// <param name="File">The file (source name).</param>
/// <param name="Line">The 1-based line.</param>
/// <param name="Step">The step's id, when the problem is in a step.</param>
/// <param name="Message">What is wrong, for the workflow's author.</param>
public sealed record WorkflowError(string File, int Line, string? Step, string Message)
{
    /// <summary>The error as <c>file:line: step 'id': message</c>.</summary>
    public override string ToString() =>
        Step is null ? $"{File}:{Line}: {Message}" : $"{File}:{Line}: step '{Step}': {Message}";
}
