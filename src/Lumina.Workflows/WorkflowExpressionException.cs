namespace Lumina.Workflows;

/// <summary>A workflow expression is malformed or failed to evaluate; the message says where in the expression.</summary>
public sealed class WorkflowExpressionException : Exception
{
    public WorkflowExpressionException()
    {
    }

    public WorkflowExpressionException(string message)
        : base(message)
    {
    }

    public WorkflowExpressionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
