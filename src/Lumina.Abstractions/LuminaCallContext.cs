using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Lumina.Abstractions;

/// <summary>
/// A call context with no client behind it: progress and log go nowhere, sampling and elicitation
/// fail with a clear <see cref="LuminaClientCapabilityException"/>, and there are no roots.
/// Derive from it to supply a context in a unit test.
/// </summary>
public class LuminaCallContext : ILuminaCallContext
{
    public LuminaCallContext(LuminaCaller caller, LuminaClientInfo? client = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Caller = caller;
        Client = client ?? LuminaClientInfo.None;
    }

    /// <summary>The context of a direct, in-process invocation by the local user.</summary>
    public static ILuminaCallContext InProcess { get; } = new LuminaCallContext(LuminaCaller.InProcess);

    /// <inheritdoc />
    public LuminaCaller Caller { get; }

    /// <inheritdoc />
    public LuminaClientInfo Client { get; }

    /// <inheritdoc />
    public virtual ValueTask ReportProgressAsync(double progress, double? total = null, string? message = null, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;

    /// <inheritdoc />
    public virtual ValueTask LogAsync(LuminaLogLevel level, string message, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;

    /// <inheritdoc />
    public virtual Task<ChatResponse> SampleAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw LuminaClientCapabilityException.NoSampling();

    /// <inheritdoc />
    public virtual Task<ElicitationResult> ElicitAsync(ElicitationRequest request, CancellationToken cancellationToken = default) =>
        throw LuminaClientCapabilityException.NoElicitation();

    /// <summary>Asks for every input at once through <see cref="ElicitAsync"/>, <see cref="SampleAsync"/> and <see cref="GetRootsAsync"/>.</summary>
    public virtual Task<LuminaInputAnswers> RequestInputAsync(IReadOnlyDictionary<string, LuminaInputRequest> requests, JsonNode? state = null, CancellationToken cancellationToken = default) =>
        ResolveEachAsync(this, requests, state, cancellationToken);

    /// <summary>
    /// Answers <paramref name="requests"/> by asking <paramref name="context"/> each one, all at once: how a context that
    /// can reach its client during the call (a session, or none at all) serves <see cref="ILuminaCallContext.RequestInputAsync"/>.
    /// </summary>
    public static async Task<LuminaInputAnswers> ResolveEachAsync(ILuminaCallContext context, IReadOnlyDictionary<string, LuminaInputRequest> requests, JsonNode? state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requests);
        var pending = requests.Select(async pair => (pair.Key, Response: pair.Value.Kind switch
        {
            LuminaInputKind.Elicitation => LuminaInputResponse.FromElicitation(await context.ElicitAsync(pair.Value.Elicitation!, cancellationToken).ConfigureAwait(false)),
            LuminaInputKind.Sampling => LuminaInputResponse.FromSampling(await context.SampleAsync(pair.Value.Messages!, pair.Value.Options, cancellationToken).ConfigureAwait(false)),
            _ => LuminaInputResponse.FromRoots(await context.GetRootsAsync(cancellationToken).ConfigureAwait(false)),
        })).ToList();
        var answered = await Task.WhenAll(pending).ConfigureAwait(false);
        return new LuminaInputAnswers(answered.ToDictionary(a => a.Key, a => a.Response, StringComparer.Ordinal), state);
    }

    /// <inheritdoc />
    public virtual ValueTask<bool> EnablePollingAsync(TimeSpan retryInterval, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(false);

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<ClientRoot>> GetRootsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ClientRoot>>([]);
}
