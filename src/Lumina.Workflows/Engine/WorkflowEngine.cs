using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Lumina.Abstractions;
using Lumina.Core.Workflows;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lumina.Workflows.Engine;

/// <summary>
/// Runs workflows on Microsoft Agent Framework Workflows with a checkpoint in the run store after every superstep, a
/// ledger of finished steps, and a heartbeat that lets another host (or this one, restarted) take over a run whose
/// host died.
/// </summary>
public sealed partial class WorkflowEngine
{
    private static readonly JsonSerializerOptions s_checkpointJson = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private readonly IWorkflowRunStore _store;
    private readonly ILuminaTools _tools;
    private readonly ILuminaCallContextAccessor _accessor;
    private readonly WorkflowOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WorkflowEngine> _logger;
    private readonly ILuminaResourceNotifier? _notifier;

    /// <summary>Creates the engine.</summary>
    /// <param name="notifier">Tells subscribers of <c>workflow://runs/{id}</c> that a run changed (after every step and at its end).</param>
    public WorkflowEngine(IWorkflowRunStore store, ILuminaTools tools, ILuminaCallContextAccessor accessor, IOptions<WorkflowOptions> options, TimeProvider time, ILogger<WorkflowEngine> logger, ILuminaResourceNotifier? notifier = null)
    {
        _notifier = notifier;
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _tools = tools;
        _accessor = accessor;
        _options = options.Value;
        _time = time;
        _logger = logger;
        InstanceId = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..6]}");
    }

    /// <summary>This engine's name as the runner of its runs.</summary>
    public string InstanceId { get; }

    /// <summary>The options the engine runs with.</summary>
    public WorkflowOptions Options => _options;

    /// <summary>
    /// Starts a run of <paramref name="definition"/> with <paramref name="arguments"/> as the caller of
    /// <paramref name="context"/>; every step runs as that caller, through every kernel filter.
    /// </summary>
    /// <param name="definition">The workflow, validated.</param>
    /// <param name="definitionText">Its YAML text, kept with the run so a resumed run runs what it started with.</param>
    /// <param name="arguments">The caller's arguments; defaults fill what is missing.</param>
    /// <param name="context">The caller's context: progress and confirmations go to its client.</param>
    /// <returns>The run as stored, and its completion.</returns>
    /// <exception cref="LuminaRefusalException">An argument is missing or has the wrong type.</exception>
    public async Task<WorkflowRunHandle> StartAsync(WorkflowDefinition definition, string definitionText, JsonObject? arguments, ILuminaCallContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(context);
        var inputs = WorkflowInputs.Bind(definition, arguments);
        var now = _time.GetUtcNow();
        var record = await _store.CreateAsync(
            new WorkflowRunRecord
            {
                Id = "wr_" + Guid.NewGuid().ToString("N"),
                Workflow = definition.Name,
                Definition = definitionText,
                Source = definition.SourceFile,
                OwnerId = context.Caller.Id,
                Caller = JsonSerializer.Serialize(context.Caller, WorkflowJson.Options),
                Inputs = inputs.ToJsonString(),
                Status = WorkflowRunStatus.Running,
                StatusMessage = "started",
                StepsTotal = WorkflowGraph.ProgressIds(definition).Count,
                CreatedAt = now,
                LastUpdatedAt = now,
                Ttl = _options.Retention,
                Runner = InstanceId,
                RunnerSeenAt = now,
            },
            cancellationToken).ConfigureAwait(false);
        LogStarted(record.Id, definition.Name, context.Caller.Id);
        return Launch(record, definition, context, resume: false);
    }

    /// <summary>
    /// Takes over run <paramref name="runId"/> and runs it on from its last checkpoint, as its own caller (no client:
    /// a <c>confirm</c> still to be asked fails its step). A run whose runner still says it runs it is left alone
    /// unless <paramref name="force"/>; a run this engine runs is always left alone.
    /// </summary>
    /// <returns>The run's handle, or null when it has ended, does not exist, this engine runs it, or another live host runs it.</returns>
    public async Task<WorkflowRunHandle?> ResumeAsync(string runId, bool force = false, ILuminaCallContext? context = null, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        WorkflowRunRecord? claimed = null;
        await _store.UpdateAsync(
            runId,
            run =>
            {
                // A run this engine runs is never claimed again, even forced: a second executor would repeat its steps
                // (the first one goes on, since the run stays its own).
                if (run.IsTerminal || run.Runner == InstanceId
                    || (!force && run.Runner is not null && run.RunnerSeenAt is { } seen && now - seen < _options.StaleAfter))
                {
                    claimed = null;
                    return null;
                }

                claimed = run with { Runner = InstanceId, RunnerSeenAt = now, Resumes = run.Resumes + 1, StatusMessage = "resumed", LastUpdatedAt = now };
                return claimed;
            },
            cancellationToken).ConfigureAwait(false);
        if (claimed is null)
        {
            return null;
        }

        var stored = await _store.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (stored is null || stored.Runner != InstanceId)
        {
            return null;
        }

        WorkflowDefinition definition;
        try
        {
            definition = WorkflowLoader.Parse(stored.Definition, stored.Source);
        }
        catch (WorkflowValidationException ex)
        {
            await FinishAsync(stored.Id, WorkflowRunStatus.Failed, result: null, $"Its definition no longer loads: {ex.Message}").ConfigureAwait(false);
            return null;
        }

        var caller = JsonSerializer.Deserialize<LuminaCaller>(stored.Caller, WorkflowJson.Options) ?? throw new InvalidOperationException($"Run {runId} has no caller.");
        LogResumed(stored.Id, stored.Workflow, stored.Resumes);
        return Launch(stored, definition, context ?? new LuminaCallContext(caller), resume: true);
    }

    /// <summary>The unfinished runs whose runner has stopped saying it runs them (a dead host), oldest first.</summary>
    public async Task<IReadOnlyList<WorkflowRunRecord>> FindInterruptedAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var unfinished = await _store.ListAsync(unfinishedOnly: true, limit: 1000, cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. unfinished.Where(r => r.Runner != InstanceId && (r.RunnerSeenAt is not { } seen || now - seen >= _options.StaleAfter)).OrderBy(r => r.CreatedAt)];
    }

    /// <summary>Asks for run <paramref name="runId"/> to stop: its host cancels it at its next heartbeat; a run nobody runs is cancelled at once.</summary>
    /// <returns>The run after the request, or null when there is none.</returns>
    public async Task<WorkflowRunRecord?> CancelAsync(string runId, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        return await _store.UpdateAsync(
            runId,
            run => run.IsTerminal ? null
                : run.RunnerSeenAt is { } seen && now - seen < _options.StaleAfter
                    ? run with { CancelRequested = true, LastUpdatedAt = now }
                    : run with { CancelRequested = true, Status = WorkflowRunStatus.Cancelled, StatusMessage = "cancelled", Error = "Cancelled while no host ran it.", LastUpdatedAt = now },
            cancellationToken).ConfigureAwait(false);
    }

    private WorkflowRunHandle Launch(WorkflowRunRecord record, WorkflowDefinition definition, ILuminaCallContext context, bool resume)
    {
        var cancellation = new CancellationTokenSource();
        var completion = Task.Run(() => RunAsync(record, definition, context, resume, cancellation), CancellationToken.None);
        return new WorkflowRunHandle(record, completion, cancellation);
    }

    private async Task<WorkflowRunRecord> RunAsync(WorkflowRunRecord record, WorkflowDefinition definition, ILuminaCallContext context, bool resume, CancellationTokenSource cancellation)
    {
        var heartbeat = HeartbeatAsync(record.Id, cancellation);
        try
        {
            // Steps already in the ledger (a resumed run) count as done, and a step replayed from it is not counted twice.
            var counted = WorkflowGraph.ProgressIds(definition);
            var finished = resume
                ? (await _store.ListStepsAsync(record.Id, cancellation.Token).ConfigureAwait(false)).Select(s => s.Key).Where(counted.Contains).ToHashSet(StringComparer.Ordinal)
                : new HashSet<string>(StringComparer.Ordinal);
            var scope = new WorkflowRunScope
            {
                RunId = record.Id,
                Runner = InstanceId,
                Definition = definition,
                Store = _store,
                Tools = _tools,
                Accessor = _accessor,
                CallContext = context,
                Time = _time,
                Logger = _logger,
                Cancellation = cancellation.Token,
                Steps = definition.AllSteps().GroupBy(s => s.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal),
                StepFinished = async id =>
                {
                    int count;
                    lock (finished)
                    {
                        finished.Add(id);
                        count = finished.Count;
                    }

                    await _store.UpdateAsync(record.Id, r => r.Runner == InstanceId ? r with { StepsDone = Math.Max(r.StepsDone, count), StatusMessage = $"step '{id}' done", LastUpdatedAt = _time.GetUtcNow() } : null).ConfigureAwait(false);
                    await context.ReportProgressAsync(count, record.StepsTotal, $"step '{id}' done").ConfigureAwait(false);
                    await NotifyAsync(record).ConfigureAwait(false);
                },
            };

            var outputs = await ExecuteAsync(scope, definition, record, resume, cancellation.Token).ConfigureAwait(false);
            return await FinishAsync(record.Id, WorkflowRunStatus.Completed, outputs.ToJsonString(), error: null).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex)
        {
            var stored = await _store.GetAsync(record.Id).ConfigureAwait(false);
            if (stored is not null && stored.Runner != InstanceId)
            {
                // Another host took the run over (this one missed its heartbeats): it is that host's now.
                return stored;
            }

            return stored?.CancelRequested == true || cancellation.IsCancellationRequested
                ? await FinishAsync(record.Id, WorkflowRunStatus.Cancelled, result: null, "Cancelled.").ConfigureAwait(false)
                : await FinishAsync(record.Id, WorkflowRunStatus.Failed, result: null, $"A step was cancelled: {ex.Message}").ConfigureAwait(false);
        }
        catch (WorkflowDeclinedException ex)
        {
            return await FinishAsync(record.Id, WorkflowRunStatus.Cancelled, result: null, ex.Message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LuminaException or WorkflowExpressionException)
        {
            return await FinishAsync(record.Id, WorkflowRunStatus.Failed, result: null, ex.Message).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var reference = Guid.NewGuid().ToString("N")[..12];
            LogCrashed(ex, record.Id, reference);
            return await FinishAsync(record.Id, WorkflowRunStatus.Failed, result: null, $"The run failed (reference {reference}).").ConfigureAwait(false);
        }
        finally
        {
            await cancellation.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }
    }

    /// <summary>Runs the graph to its end (from the last checkpoint when resuming) and returns the workflow's outputs.</summary>
    private async Task<JsonObject> ExecuteAsync(WorkflowRunScope scope, WorkflowDefinition definition, WorkflowRunRecord record, bool resume, CancellationToken cancellationToken)
    {
        var workflow = WorkflowGraph.Build(definition, scope);
        var checkpoints = CheckpointManager.CreateJson(new StoreCheckpointStore(_store), s_checkpointJson);
        var ids = resume ? await _store.ListCheckpointsAsync(record.Id, cancellationToken: cancellationToken).ConfigureAwait(false) : [];
        var last = ids.Count > 0 ? ids[^1] : null;
        var initial = new WorkflowToken(new JsonObject { ["inputs"] = JsonNode.Parse(record.Inputs), ["steps"] = new JsonObject() }.ToJsonString());
        await using var run = last is null
            ? await InProcessExecution.RunStreamingAsync(workflow, initial, checkpoints, record.Id, cancellationToken).ConfigureAwait(false)
            : await InProcessExecution.ResumeStreamingAsync(workflow, new CheckpointInfo(record.Id, last), checkpoints, cancellationToken).ConfigureAwait(false);

        WorkflowToken? final = null;
        await foreach (var update in run.WatchStreamAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (update)
            {
                case WorkflowOutputEvent { Data: WorkflowToken token }:
                    final = token;
                    break;
                case WorkflowErrorEvent { Data: Exception error }:
                    throw Unwrap(error);
                case ExecutorFailedEvent { Data: Exception error }:
                    throw Unwrap(error);
            }

            if (final is not null)
            {
                break;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (final is null)
        {
            throw new LuminaException($"Run {record.Id} stopped before its end.");
        }

        var context = WorkflowGraph.Parse(final);
        var outputs = new JsonObject();
        foreach (var (name, expression) in definition.Outputs)
        {
            outputs[name] = expression.IsTemplate ? WorkflowExpressions.Evaluate(expression.Text, context) : WorkflowExpressions.Query(expression.Text, context);
        }

        return outputs;
    }

    private async Task HeartbeatAsync(string runId, CancellationTokenSource cancellation)
    {
        using var timer = new PeriodicTimer(_options.Heartbeat, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellation.Token).ConfigureAwait(false))
            {
                try
                {
                    var now = _time.GetUtcNow();
                    var run = await _store.UpdateAsync(runId, r => r.Runner == InstanceId && !r.IsTerminal ? r with { RunnerSeenAt = now } : null, cancellation.Token).ConfigureAwait(false);
                    if (run is null || run.CancelRequested || run.Runner != InstanceId || run.IsTerminal)
                    {
                        await cancellation.CancelAsync().ConfigureAwait(false);
                    }
                }
                catch (LuminaException ex)
                {
                    // The store is down for a moment: the run goes on, and says so again at the next beat.
                    LogHeartbeatFailed(ex, runId);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<WorkflowRunRecord> FinishAsync(string runId, WorkflowRunStatus status, string? result, string? error)
    {
        var now = _time.GetUtcNow();
        var message = status switch
        {
            WorkflowRunStatus.Completed => "completed",
            WorkflowRunStatus.Cancelled => "cancelled",
            _ => "failed",
        };
        var stored = await _store.UpdateAsync(
            runId,
            r => r.IsTerminal || (r.Runner is not null && r.Runner != InstanceId) ? null : r with { Status = status, StatusMessage = message, Result = result, Error = error, LastUpdatedAt = now, RunnerSeenAt = now },
            CancellationToken.None).ConfigureAwait(false);
        LogFinished(runId, message, error);
        if (stored is not null)
        {
            await NotifyAsync(stored).ConfigureAwait(false);
        }

        return stored ?? throw new LuminaException($"Run {runId} is gone from the store.");
    }

    private async Task NotifyAsync(WorkflowRunRecord run)
    {
        if (_notifier is not null)
        {
            await _notifier.NotifyCallerUpdatedAsync(Serving.WorkflowResources.RunUri(run.Id), run.OwnerId).ConfigureAwait(false);
        }
    }

    private static Exception Unwrap(Exception error)
    {
        while (error is TargetInvocationException or AggregateException && error.InnerException is { } inner)
        {
            error = inner;
        }

        return error;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow run {RunId} of {Workflow} started for {Caller}.")]
    private partial void LogStarted(string runId, string workflow, string caller);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow run {RunId} of {Workflow} resumed from its last checkpoint (takeover {Resumes}).")]
    private partial void LogResumed(string runId, string workflow, int resumes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow run {RunId} {Status}. {Error}")]
    private partial void LogFinished(string runId, string status, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Workflow run {RunId} failed unexpectedly (reference {Reference}).")]
    private partial void LogCrashed(Exception exception, string runId, string reference);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow run {RunId}: the heartbeat could not reach the store.")]
    private partial void LogHeartbeatFailed(Exception exception, string runId);
}

/// <summary>A run the engine runs: its record as started, and its end.</summary>
/// <param name="Run">The run as stored when it started (or was taken over).</param>
/// <param name="Completion">The run's final record, once it has ended (or been taken over by another host).</param>
public sealed record WorkflowRunHandle(WorkflowRunRecord Run, Task<WorkflowRunRecord> Completion, CancellationTokenSource Cancellation)
{
    /// <summary>Stops the run on this host; it ends cancelled.</summary>
    public Task CancelAsync() => Cancellation.CancelAsync();
}
