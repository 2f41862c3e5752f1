namespace Lumina.Abstractions;

/// <summary>
/// Thrown by the call context of a stateless request (MCP 2026-07-28) when the call asks its client for input: the
/// request ends with an input-required result carrying the questions, and the client retries it with the answers, when
/// the function runs again from the start and gets the earlier answers back at once. A function must let it pass
/// (never catch it as a failure); code before its questions runs again on each round, so ask before acting.
/// </summary>
public sealed class LuminaInputRequiredException : Exception
{
    public LuminaInputRequiredException()
        : this(new Dictionary<string, LuminaInputRequest>(), string.Empty)
    {
    }

    public LuminaInputRequiredException(string message)
        : this(new Dictionary<string, LuminaInputRequest>(), string.Empty, message)
    {
    }

    public LuminaInputRequiredException(string message, Exception innerException)
        : base(message, innerException)
    {
        Requests = new Dictionary<string, LuminaInputRequest>();
        RequestState = string.Empty;
    }

    public LuminaInputRequiredException(IReadOnlyDictionary<string, LuminaInputRequest> requests, string requestState, string? message = null)
        : base(message ?? "The call needs input from the client; it is asked for in the result.")
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(requestState);
        Requests = requests;
        RequestState = requestState;
    }

    /// <summary>What the client is asked for, by key.</summary>
    public IReadOnlyDictionary<string, LuminaInputRequest> Requests { get; }

    /// <summary>The opaque, signed state the client sends back with its answers.</summary>
    public string RequestState { get; }
}
