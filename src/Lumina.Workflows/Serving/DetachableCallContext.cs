using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Microsoft.Extensions.AI;

namespace Lumina.Workflows.Serving;

/// <summary>
/// The call context of a run started by a client's call: the client's own while the call waits for the run; once the
/// call has answered with the run id (<see cref="Detach"/>), the same caller with no client — progress goes nowhere
/// and a confirmation cannot be asked.
/// </summary>
internal sealed class DetachableCallContext(ILuminaCallContext inner) : ILuminaCallContext
{
    private readonly LuminaCallContext _detached = new(inner.Caller);
    private volatile bool _isDetached;

    public LuminaCaller Caller => inner.Caller;

    public LuminaClientInfo Client => _isDetached ? LuminaClientInfo.None : inner.Client;

    public string? TraceParent => inner.TraceParent;

    public string? TraceState => inner.TraceState;

    private ILuminaCallContext Current => _isDetached ? _detached : inner;

    public void Detach() => _isDetached = true;

    public ValueTask ReportProgressAsync(double progress, double? total = null, string? message = null, CancellationToken cancellationToken = default) =>
        Current.ReportProgressAsync(progress, total, message, cancellationToken);

    public ValueTask LogAsync(LuminaLogLevel level, string message, CancellationToken cancellationToken = default) =>
        Current.LogAsync(level, message, cancellationToken);

    public Task<ChatResponse> SampleAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Current.SampleAsync(messages, options, cancellationToken);

    public Task<ElicitationResult> ElicitAsync(ElicitationRequest request, CancellationToken cancellationToken = default) =>
        Current.ElicitAsync(request, cancellationToken);

    public Task<IReadOnlyList<ClientRoot>> GetRootsAsync(CancellationToken cancellationToken = default) =>
        Current.GetRootsAsync(cancellationToken);

    public Task<LuminaInputAnswers> RequestInputAsync(IReadOnlyDictionary<string, LuminaInputRequest> requests, JsonNode? state = null, CancellationToken cancellationToken = default) =>
        Current.RequestInputAsync(requests, state, cancellationToken);

    public ValueTask<bool> EnablePollingAsync(TimeSpan retryInterval, CancellationToken cancellationToken = default) =>
        Current.EnablePollingAsync(retryInterval, cancellationToken);

    public ValueTask<bool> ContinueAsTaskAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(false);
}
