using System.Runtime.ExceptionServices;
using Lumina.Abstractions;
using ModelContextProtocol;

namespace Lumina.Federation;

/// <summary>One downstream call in progress on an upstream connection: whose client its requests go to, and how.</summary>
internal sealed class RelayedCall : IProgress<ProgressNotificationValue>, IDisposable
{
    private readonly UpstreamRelay _relay;
    private readonly CancellationTokenSource _cancel;
    private readonly Lock _reporting = new();
    private ExceptionDispatchInfo? _ending;
    private ExceptionDispatchInfo? _refused;
    private Task _reported = Task.CompletedTask;

    public RelayedCall(UpstreamRelay relay, long id, ILuminaCallContext context, CancellationTokenSource cancel)
    {
        _relay = relay;
        Id = id;
        Context = context;
        _cancel = cancel;
    }

    public long Id { get; }

    public ILuminaCallContext Context { get; }

    /// <summary>Progress of the upstream call, reported as the downstream call's, in order.</summary>
    public void Report(ProgressNotificationValue value)
    {
        lock (_reporting)
        {
            _reported = ReportAfterAsync(_reported, value);
        }
    }

    /// <summary>Completes when every progress report so far has reached the client (before the call's answer does).</summary>
    public Task ReportedAsync()
    {
        lock (_reporting)
        {
            return _reported;
        }
    }

    /// <summary>
    /// Asks the downstream client through <paramref name="ask"/>. When the question ends the downstream request (a
    /// stateless client answers in its next round), the upstream call is dropped and the call ends with that question.
    /// </summary>
    /// <exception cref="McpProtocolException">The client cannot or did not answer: the upstream gets an error.</exception>
    public async Task<T> AnswerAsync<T>(Func<Task<T>> ask)
    {
        try
        {
            return await ask().ConfigureAwait(false);
        }
        catch (LuminaInputRequiredException ex)
        {
            _ending = ExceptionDispatchInfo.Capture(ex);
            await _cancel.CancelAsync().ConfigureAwait(false);
            throw new McpProtocolException("The client answers in its next request; this call is made again then.", McpErrorCode.InternalError);
        }
        catch (LuminaClientCapabilityException ex)
        {
            // The upstream is told and may do without; if the call then fails, it fails for this (see ThrowIfRefused).
            _refused = ExceptionDispatchInfo.Capture(ex);
            throw new McpProtocolException($"The client cannot answer this: {ex.Message}", McpErrorCode.InvalidRequest);
        }
        catch (LuminaException ex)
        {
            throw new McpProtocolException(ex.Message, McpErrorCode.InternalError);
        }
    }

    /// <summary>Rethrows what ended the call from inside (a question for the next round), if anything did.</summary>
    public void ThrowIfEnded() => _ending?.Throw();

    /// <summary>
    /// Rethrows the refusal of a question the client could not answer (it lacks the capability), if there was one: for
    /// a call that then failed, that is why (a stateless client gets <c>-32021</c>, as from a native function).
    /// </summary>
    public void ThrowIfRefused() => _refused?.Throw();

    public void Dispose() => _relay.End(this);

    private async Task ReportAfterAsync(Task previous, ProgressNotificationValue value)
    {
        await previous.ConfigureAwait(false);
        try
        {
            await Context.ReportProgressAsync(value.Progress, value.Total, value.Message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is McpException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away: its progress no longer matters.
        }
    }
}
