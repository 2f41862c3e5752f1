namespace Lumina.Core.Invocation;

/// <summary>
/// How a call through <see cref="LuminaInvoker"/> ended: <see cref="InvocationSucceeded"/>, <see cref="InvocationRefused"/>
/// (with a kind and a message safe to show), <see cref="InvocationFailed"/> (with a reference id and a generic message),
/// or <see cref="InvocationInputRequired"/> (a stateless request whose call needs its client's answers first).
/// </summary>
/// <remarks>
/// Each transport translates it in one place (MCP in <c>KernelInvoker</c>, HTTP in <c>LuminaHttpApi</c>); none of
/// them looks at exceptions or their text. Cancellation of the caller's own token is never an outcome: it is thrown.
/// </remarks>
public abstract record InvocationOutcome
{
    private protected InvocationOutcome(string name) => Name = name;

    /// <summary>The name the client called the function by (the MCP tool or prompt name), the one every record carries.</summary>
    public string Name { get; }
}
