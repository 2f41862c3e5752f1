using Lumina.Abstractions;

namespace Lumina.Workflows.Engine;

/// <summary>The user said no to a step's <c>confirm</c>: the run stops, cancelled, before that step.</summary>
public sealed class WorkflowDeclinedException : LuminaRefusalException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowDeclinedException()
        : base(LuminaRefusalKind.ConfirmationDeclined, string.Empty)
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    public WorkflowDeclinedException(string message)
        : base(LuminaRefusalKind.ConfirmationDeclined, message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public WorkflowDeclinedException(string message, Exception? innerException)
        : base(LuminaRefusalKind.ConfirmationDeclined, message, innerException)
    {
    }
}
