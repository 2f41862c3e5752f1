using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Lumina.Abstractions;

/// <summary>
/// What a plugin function can learn and do about the call it is serving: who the caller is,
/// reporting progress, logging to the client, asking the client's model (sampling), asking the
/// user (elicitation) and reading the client's roots.
/// </summary>
/// <remarks>
/// The MCP layer fills this in for MCP calls; a direct, in-process invocation gets
/// <see cref="LuminaCallContext.InProcess"/>. A plugin obtains it from
/// <see cref="ILuminaCallContextAccessor"/> (constructor injection) or by declaring a
/// <c>[FromKernelServices] ILuminaCallContext context</c> parameter. A unit test supplies its own
/// by deriving from <see cref="LuminaCallContext"/>.
/// </remarks>
public interface ILuminaCallContext
{
    /// <summary>Who is making the call.</summary>
    LuminaCaller Caller { get; }

    /// <summary>What the client is and can do.</summary>
    LuminaClientInfo Client { get; }

    /// <summary>
    /// Reports progress on the call. A client that did not ask for progress gets nothing; the call never fails because of it.
    /// </summary>
    ValueTask ReportProgressAsync(double progress, double? total = null, string? message = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a message to the client's log, if the client enabled logging at <paramref name="level"/> or below.
    /// </summary>
    ValueTask LogAsync(LuminaLogLevel level, string message, CancellationToken cancellationToken = default);

    /// <summary>Asks the client's own model for a completion.</summary>
    /// <exception cref="LuminaClientCapabilityException">The client cannot sample.</exception>
    Task<ChatResponse> SampleAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Asks the user a question through the client.</summary>
    /// <exception cref="LuminaClientCapabilityException">The client cannot elicit.</exception>
    Task<ElicitationResult> ElicitAsync(ElicitationRequest request, CancellationToken cancellationToken = default);

    /// <summary>The client's roots; empty when the client has none or cannot list them.</summary>
    Task<IReadOnlyList<ClientRoot>> GetRootsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks the client for several inputs at once (answers, completions, roots), each under a key the call chooses;
    /// <paramref name="state"/> comes back with the answers. In a session the requests go to the client together; in
    /// a stateless request (MCP 2026-07-28) they end the request with an input-required result and the call runs again
    /// when the client retries with the answers (see <see cref="LuminaInputRequiredException"/>), so keep the keys
    /// and the order of the questions the same from run to run.
    /// </summary>
    /// <exception cref="LuminaClientCapabilityException">The client cannot answer one of the requests.</exception>
    Task<LuminaInputAnswers> RequestInputAsync(IReadOnlyDictionary<string, LuminaInputRequest> requests, JsonNode? state = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// For a long call: lets the client drop the connection now and come back for the result after
    /// <paramref name="retryInterval"/> (streamable HTTP with resumable streams). The call goes on; its result is
    /// kept until the client reconnects. Does nothing on transports that cannot (stdio, stateless HTTP).
    /// </summary>
    /// <returns>Whether the connection was released.</returns>
    ValueTask<bool> EnablePollingAsync(TimeSpan retryInterval, CancellationToken cancellationToken = default);

    /// <summary>
    /// For a tool declared with <see cref="LuminaToolAttribute.TaskStartsInCall"/>: ends the request with a task the
    /// client polls, and lets the function go on as that task. Its questions from then on wait in the task for the
    /// client's answers. Does nothing where the client cannot poll a task (it did not declare the tasks extension, or
    /// the caller is not an MCP client): the call simply goes on in its request.
    /// </summary>
    /// <returns>Whether the call now runs as a task.</returns>
    ValueTask<bool> ContinueAsTaskAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(false);

    /// <summary>
    /// The W3C trace context the client sent with the call (MCP's <c>_meta.traceparent</c>), when valid; otherwise
    /// <see langword="null"/>. A function that calls another service passes on <see cref="System.Diagnostics.Activity.Current"/>
    /// when there is one (Lumina records spans), and this otherwise, so the trace goes on either way.
    /// </summary>
    string? TraceParent => null;

    /// <summary>The vendor part of the client's trace context (<c>_meta.tracestate</c>), sent only with <see cref="TraceParent"/>.</summary>
    string? TraceState => null;
}
