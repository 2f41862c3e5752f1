using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Core.Tasks;
using ModelContextProtocol;

namespace Lumina.Mcp.Tasks;

/// <summary>
/// A task this host runs: the call's cancellation, and the way its questions wait in the task for the client's
/// answers (<c>input_required</c> on <c>tasks/get</c>, answered with <c>tasks/update</c>, on this host or another).
/// </summary>
internal sealed class TaskRun : IDisposable
{
    private readonly LuminaTaskRunner _runner;
    private readonly CancellationTokenSource _cancel = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset _lastProgress;

    public TaskRun(LuminaTaskRunner runner, LuminaTaskRecord created)
    {
        _runner = runner;
        Created = created;
    }

    public string Id => Created.Id;

    /// <summary>The task as it was created: what the client's call is answered with.</summary>
    public LuminaTaskRecord Created { get; }

    /// <summary>Cancelled when the client cancels the task (here or on another host) or this host stops.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Whether the call was stopped because this host is stopping (not by its client).</summary>
    public bool StoppedByHost { get; private set; }

    public void Cancel(bool byHost = false)
    {
        StoppedByHost |= byHost;
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call has already ended.
        }
    }

    /// <summary>Something changed in the stored task (answers came): a waiting question looks now instead of at its next poll.</summary>
    public void Wake() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>
    /// Asks the client <paramref name="requests"/> through the task: it turns <c>input_required</c> with them open
    /// until every one is answered (answers may come one at a time), then goes back to <c>working</c>.
    /// </summary>
    /// <exception cref="LuminaException">The client did not answer within <c>Lumina:Mcp:InputTimeout</c>, or the task is gone.</exception>
    public async Task<LuminaInputAnswers> AskAsync(IReadOnlyDictionary<string, LuminaInputRequest> requests, JsonNode? state, CancellationToken cancellationToken)
    {
        var asked = new JsonObject();
        foreach (var (key, request) in requests)
        {
            asked[key] = JsonSerializer.SerializeToNode(KernelInvoker.InputRequestOf(request), McpJsonUtilities.DefaultOptions);
        }

        await _runner.Store.UpdateAsync(Id, t => t.IsTerminal ? null : t with
        {
            Status = LuminaTaskStatus.InputRequired,
            InputRequests = Merge(t.InputRequests, asked),
            LastUpdatedAt = _runner.Now,
        }, cancellationToken).ConfigureAwait(false);

        var deadline = _runner.Now + _runner.Options.InputTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var wake = Volatile.Read(ref _wake).Task;
            var task = await _runner.Store.GetAsync(Id, cancellationToken).ConfigureAwait(false)
                ?? throw new LuminaException("The task expired while it waited for its client's answers.");
            if (task.IsTerminal)
            {
                // Cancelled (or ended by another host): the run's token is, or is about to be, cancelled.
                throw new OperationCanceledException("The task ended while it waited for its client's answers.", Token);
            }

            var given = task.InputResponses is { } text ? JsonNode.Parse(text) as JsonObject : null;
            if (given is not null && requests.Keys.All(given.ContainsKey))
            {
                return await TakeAsync(requests, state, cancellationToken).ConfigureAwait(false);
            }

            if (_runner.Now > deadline)
            {
                throw new LuminaException($"The client did not answer the task's questions within {_runner.Options.InputTimeout} (Lumina:Mcp:InputTimeout).");
            }

            await Task.WhenAny(wake, Task.Delay(_runner.Options.TaskPollInterval, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>Shows a progress report as the task's status message, at most once a poll interval.</summary>
    public async ValueTask ReportAsync(double progress, double? total, string? message, CancellationToken cancellationToken)
    {
        var now = _runner.Now;
        if (now - _lastProgress < _runner.Options.TaskPollInterval)
        {
            return;
        }

        _lastProgress = now;
        var text = message ?? (total is { } of ? $"{progress} of {of}" : $"{progress}");
        await _runner.Store.UpdateAsync(Id, t => t.IsTerminal ? null : t with { StatusMessage = text, LastUpdatedAt = now }, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _cancel.Dispose();

    /// <summary>Takes the answers to <paramref name="requests"/> out of the task, so they are not taken twice.</summary>
    private async Task<LuminaInputAnswers> TakeAsync(IReadOnlyDictionary<string, LuminaInputRequest> requests, JsonNode? state, CancellationToken cancellationToken)
    {
        JsonObject? taken = null;
        await _runner.Store.UpdateAsync(Id, t =>
        {
            var given = t.InputResponses is { } text ? JsonNode.Parse(text) as JsonObject ?? [] : [];
            taken = [];
            foreach (var key in requests.Keys)
            {
                if (given[key] is { } answer)
                {
                    given.Remove(key);
                    taken[key] = answer;
                }
            }

            return t with { InputResponses = given.Count == 0 ? null : given.ToJsonString() };
        }, cancellationToken).ConfigureAwait(false);

        var answers = new Dictionary<string, LuminaInputResponse>(StringComparer.Ordinal);
        foreach (var (key, request) in requests)
        {
            // tasks/update accepted only answers of the right shape.
            answers[key] = (taken?[key] is JsonObject answer ? InputRounds.Parse(request.Kind, answer) : null)
                ?? throw new LuminaException($"The client's answer to '{key}' was taken by another run of this task.");
        }

        return new LuminaInputAnswers(answers, state);
    }

    private static string Merge(string? open, JsonObject asked)
    {
        var merged = open is { } text ? JsonNode.Parse(text) as JsonObject ?? [] : [];
        foreach (var (key, value) in asked)
        {
            merged[key] = value?.DeepClone();
        }

        return merged.ToJsonString();
    }
}
