using Lumina.Abstractions;

namespace Lumina.Core.Invocation;

/// <summary>
/// The call needs input from its client before it can finish (a stateless MCP 2026-07-28 request): the transport
/// answers with the requests and the signed state, and the client retries with the answers.
/// </summary>
public sealed record InvocationInputRequired : InvocationOutcome
{
    internal InvocationInputRequired(string name, IReadOnlyDictionary<string, LuminaInputRequest> requests, string requestState)
        : base(name)
    {
        Requests = requests;
        RequestState = requestState;
    }

    /// <summary>What the client is asked for, by key.</summary>
    public IReadOnlyDictionary<string, LuminaInputRequest> Requests { get; }

    /// <summary>The opaque, signed state the client sends back with its answers.</summary>
    public string RequestState { get; }
}
