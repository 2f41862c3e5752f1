namespace Lumina.Core.Invocation;

/// <summary>
/// The call failed unexpectedly. The exception is in the host's log with <see cref="ReferenceId"/>; the caller gets only
/// the generic <see cref="Message"/>, which names the function and the reference, since an exception's own text can
/// carry paths, secrets or internals.
/// </summary>
public sealed record InvocationFailed : InvocationOutcome
{
    internal InvocationFailed(string name, string referenceId)
        : base(name)
    {
        ReferenceId = referenceId;
        Message = $"'{name}' failed unexpectedly. The details are in the server's log (reference {referenceId}).";
    }

    /// <summary>The id logged with the exception, for an operator to find it.</summary>
    public string ReferenceId { get; }

    /// <summary>What the caller is told.</summary>
    public string Message { get; }
}
