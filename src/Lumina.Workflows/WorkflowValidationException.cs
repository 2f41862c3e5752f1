namespace Lumina.Workflows;

/// <summary>A workflow file could not be read or is not valid; <see cref="Errors"/> lists every problem found.</summary>
public sealed class WorkflowValidationException : Exception
{
    public WorkflowValidationException()
        : this([])
    {
    }

    public WorkflowValidationException(string message)
        : base(message) => Errors = [];

    public WorkflowValidationException(string message, Exception innerException)
        : base(message, innerException) => Errors = [];

    /// <summary>Creates the exception for <paramref name="errors"/>; its message lists them one a line.</summary>
    public WorkflowValidationException(IReadOnlyList<WorkflowError> errors)
        : base(errors.Count == 0 ? "The workflow is not valid." : string.Join(Environment.NewLine, errors)) => Errors = errors;

    /// <summary>Every problem found, in file order.</summary>
    public IReadOnlyList<WorkflowError> Errors { get; }
}
