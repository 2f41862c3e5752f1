using Lumina.Abstractions;

namespace Lumina.Workflows.Engine;

/// <summary>A step failed and its <c>on_error</c> did not recover it: the run fails with this message.</summary>
public sealed class WorkflowStepException : LuminaException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowStepException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    public WorkflowStepException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public WorkflowStepException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The step that failed.</summary>
    public string? StepId { get; init; }
}
