using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Lumina.Core.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp.Tasks;

/// <summary>
/// The tasks extension (SEP-2663) on this host: makes tasks in the store, runs their calls in the background, and
/// answers <c>tasks/get</c>, <c>tasks/update</c> and <c>tasks/cancel</c> for any task in the store, whichever host
/// runs it. A host that runs a task says so in the store every few polls; a task whose host has gone silent is
/// reported failed, and a host that stops fails the tasks it runs.
/// </summary>
internal sealed partial class LuminaTaskRunner(IServiceProvider services, ILuminaCallerResolver callers, IOptions<LuminaMcpOptions> options, TimeProvider time, ILogger<LuminaTaskRunner> logger) : IHostedService
{
    /// <summary>How many polls apart a running task's host says it is still there.</summary>
    private const int PollsPerHeartbeat = 5;

    /// <summary>How many missed heartbeats make a task's host count as gone.</summary>
    private const int MissedHeartbeats = 3;

    private readonly ConcurrentDictionary<string, TaskRun> _runs = new(StringComparer.Ordinal);
    private readonly string _instance = $"{Environment.MachineName}/{Environment.ProcessId}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
    private volatile bool _stopping;

    /// <summary>The store, found when first used: the store backend may be added after the MCP server.</summary>
    public ILuminaTaskStore Store => field ??= services.GetRequiredService<ILuminaTaskStore>();

    public LuminaMcpOptions Options => options.Value;

    public DateTimeOffset Now => time.GetUtcNow();

    private TimeSpan Heartbeat => Options.TaskPollInterval * PollsPerHeartbeat;

    /// <summary>Makes a task for a call of <paramref name="tool"/> by <paramref name="ownerId"/>, stored before this returns (so a <c>tasks/get</c> finds it at once).</summary>
    /// <exception cref="McpProtocolException">The host is stopping.</exception>
    /// <exception cref="Abstractions.LuminaLimitException">The caller already runs <see cref="LuminaMcpOptions.MaxTasksPerCaller"/> tasks here.</exception>
    public async Task<TaskRun> CreateAsync(string ownerId, string tool, CancellationToken cancellationToken)
    {
        if (_stopping)
        {
            throw new McpProtocolException("This host is stopping and starts no more tasks; call again.", McpErrorCode.InternalError);
        }

        if (_runs.Values.Count(r => string.Equals(r.Created.OwnerId, ownerId, StringComparison.Ordinal)) >= Options.MaxTasksPerCaller)
        {
            throw new Abstractions.LuminaLimitException(
                $"You already run {Options.MaxTasksPerCaller} tasks on this host (Lumina:Mcp:MaxTasksPerCaller): wait for one to end, or cancel one with tasks/cancel, and call again.");
        }

        var now = Now;
        var created = await Store.CreateAsync(new LuminaTaskRecord
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            OwnerId = ownerId,
            Tool = tool,
            Status = LuminaTaskStatus.Working,
            CreatedAt = now,
            LastUpdatedAt = now,
            Ttl = Options.TaskTtl,
            Runner = _instance,
            RunnerSeenAt = now,
        }, cancellationToken).ConfigureAwait(false);
        var run = new TaskRun(this, created);
        _runs[run.Id] = run;
        return run;
    }

    /// <summary>Follows the call <paramref name="work"/> of <paramref name="run"/> to its end, and stores how it ended.</summary>
    public void Follow(TaskRun run, Task<CallToolResult> work) => _ = FinishAsync(run, work);

    public async ValueTask<JsonNode?> GetAsync(RequestContext<JsonNode?> context, CancellationToken cancellationToken)
    {
        var request = context.JsonRpcRequest;
        var task = await OwnedAsync(request, cancellationToken).ConfigureAwait(false);
        if (!task.IsTerminal && !_runs.ContainsKey(task.Id) && task.RunnerSeenAt is { } seen && Now - seen > Heartbeat * MissedHeartbeats)
        {
            LogRunnerGone(task.Id, task.Runner);
            task = await Store.UpdateAsync(task.Id, t => t.IsTerminal || t.RunnerSeenAt != seen ? null : t with
            {
                Status = LuminaTaskStatus.Failed,
                Error = TaskWire.Error((int)McpErrorCode.InternalError, "The host that ran this task stopped before it finished; call the tool again."),
                InputRequests = null,
                InputResponses = null,
                LastUpdatedAt = Now,
            }, cancellationToken).ConfigureAwait(false) ?? task;
        }

        return TaskWire.Detailed(task, Options.TaskPollInterval);
    }

    public async ValueTask<JsonNode?> UpdateAsync(RequestContext<JsonNode?> context, CancellationToken cancellationToken)
    {
        var request = context.JsonRpcRequest;
        var task = await OwnedAsync(request, cancellationToken).ConfigureAwait(false);
        if (request.Params?["inputResponses"] is not JsonObject responses)
        {
            throw new McpProtocolException("tasks/update needs inputResponses: an object of answers by the keys of the task's inputRequests.", McpErrorCode.InvalidParams);
        }

        // An answer of the wrong shape is refused whole, before anything is stored; answers nobody asked for (or that
        // were given already) are ignored.
        var open = task.InputRequests is { } text ? JsonNode.Parse(text) as JsonObject ?? [] : [];
        foreach (var (key, answer) in responses)
        {
            if (open[key]?["method"]?.GetValue<string>() is { } method
                && (answer is not JsonObject given || InputRounds.Parse(KindOf(method), given) is null))
            {
                throw new McpProtocolException($"The answer to '{key}' is not a result of {method}.", McpErrorCode.InvalidParams);
            }
        }

        await Store.UpdateAsync(task.Id, t =>
        {
            var pending = t.IsTerminal || t.InputRequests is not { } asked ? null : JsonNode.Parse(asked) as JsonObject;
            if (pending is null)
            {
                return null;
            }

            var answered = t.InputResponses is { } given ? JsonNode.Parse(given) as JsonObject ?? [] : [];
            var moved = 0;
            foreach (var (key, answer) in responses)
            {
                if (pending.Remove(key))
                {
                    answered[key] = answer?.DeepClone();
                    moved++;
                }
            }

            return moved == 0 ? null : t with
            {
                Status = pending.Count == 0 ? LuminaTaskStatus.Working : LuminaTaskStatus.InputRequired,
                InputRequests = pending.Count == 0 ? null : pending.ToJsonString(),
                InputResponses = answered.ToJsonString(),
                LastUpdatedAt = Now,
            };
        }, cancellationToken).ConfigureAwait(false);

        if (_runs.TryGetValue(task.Id, out var run))
        {
            run.Wake();
        }

        return TaskWire.Ack();
    }

    public async ValueTask<JsonNode?> CancelAsync(RequestContext<JsonNode?> context, CancellationToken cancellationToken)
    {
        var request = context.JsonRpcRequest;
        var task = await OwnedAsync(request, cancellationToken).ConfigureAwait(false);
        await Store.UpdateAsync(task.Id, t => t.IsTerminal ? null : t with
        {
            Status = LuminaTaskStatus.Cancelled,
            StatusMessage = "Cancelled by the client.",
            CancelRequested = true,
            InputRequests = null,
            InputResponses = null,
            LastUpdatedAt = Now,
        }, cancellationToken).ConfigureAwait(false);
        if (_runs.TryGetValue(task.Id, out var run))
        {
            run.Cancel();
        }

        return TaskWire.Ack();
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops the calls this host runs; each task is stored as failed (its client is told to call again).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var running = _runs.Values.ToList();
        foreach (var run in running)
        {
            run.Cancel(byHost: true);
        }

        var deadline = Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        while (!_runs.IsEmpty && !deadline.IsCompleted)
        {
            await Task.WhenAny(deadline, Task.Delay(50, CancellationToken.None)).ConfigureAwait(false);
        }
    }

    private static Abstractions.LuminaInputKind KindOf(string method) => method switch
    {
        RequestMethods.ElicitationCreate => Abstractions.LuminaInputKind.Elicitation,
        RequestMethods.SamplingCreateMessage => Abstractions.LuminaInputKind.Sampling,
        _ => Abstractions.LuminaInputKind.Roots,
    };

    /// <summary>The task a <c>tasks/*</c> request names, when its caller started it; anyone else is told it does not exist.</summary>
    private async Task<LuminaTaskRecord> OwnedAsync(JsonRpcRequest request, CancellationToken cancellationToken)
    {
        TasksExtension.Demand(request);
        var id = request.Params?["taskId"] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length is > 0 and <= 128
            ? text
            : throw new McpProtocolException($"{request.Method} needs taskId: the id a tools/call answered with.", McpErrorCode.InvalidParams);
        var caller = callers.Resolve(request);
        var task = await Store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return task is not null && string.Equals(task.OwnerId, caller.Id, StringComparison.Ordinal)
            ? task
            : throw new McpProtocolException($"Unknown task '{id}': it never existed, has expired, or was started by someone else.", McpErrorCode.InvalidParams);
    }

    private async Task FinishAsync(TaskRun run, Task<CallToolResult> work)
    {
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(run.Token);
        var watch = WatchAsync(run, watching.Token);
        var status = LuminaTaskStatus.Completed;
        string? result = null, error = null, message = null;
        try
        {
            result = TaskWire.Result(await work.ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
        {
            (status, error, message) = run.StoppedByHost
                ? (LuminaTaskStatus.Failed, TaskWire.Error((int)McpErrorCode.InternalError, "The host stopped while it ran this task; call the tool again."), (string?)null)
                : (LuminaTaskStatus.Cancelled, null, "Cancelled by the client.");
        }
        catch (McpProtocolException ex)
        {
            (status, error) = (LuminaTaskStatus.Failed, TaskWire.Error((int)ex.ErrorCode, ex.Message));
        }
        catch (Exception ex)
        {
            LogUnexpected(ex, run.Id);
            (status, error) = (LuminaTaskStatus.Failed, TaskWire.Error((int)McpErrorCode.InternalError, $"The task failed unexpectedly. The details are in the server's log (task {run.Id})."));
        }

        await watching.CancelAsync().ConfigureAwait(false);
        await watch.ConfigureAwait(false);
        try
        {
            await Store.UpdateAsync(run.Id, t => t.IsTerminal ? null : t with
            {
                Status = status,
                StatusMessage = message ?? t.StatusMessage,
                Result = result,
                Error = error,
                InputRequests = null,
                InputResponses = null,
                LastUpdatedAt = Now,
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogNotStored(ex, run.Id);
        }
        finally
        {
            _runs.TryRemove(run.Id, out _);
            run.Dispose();
        }
    }

    /// <summary>While the call runs: stops it when the task is cancelled (or gone) in the store, and says every few polls that this host still runs it.</summary>
    private async Task WatchAsync(TaskRun run, CancellationToken cancellationToken)
    {
        var beat = Now;
        try
        {
            while (true)
            {
                await Task.Delay(Options.TaskPollInterval, cancellationToken).ConfigureAwait(false);
                var task = await Store.GetAsync(run.Id, cancellationToken).ConfigureAwait(false);
                if (task is null || task.Status == LuminaTaskStatus.Cancelled)
                {
                    run.Cancel();
                    return;
                }

                if (task.InputResponses is not null)
                {
                    run.Wake();
                }

                if (Now - beat >= Heartbeat)
                {
                    beat = Now;
                    await Store.UpdateAsync(run.Id, t => t.IsTerminal ? null : t with { Runner = _instance, RunnerSeenAt = beat }, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The call ended.
        }
        catch (Exception ex)
        {
            // The store is unreachable: the call goes on, and its end is stored when it can be.
            LogWatchFailed(ex, run.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId} failed unexpectedly")]
    private partial void LogUnexpected(Exception exception, string taskId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The end of task {TaskId} could not be stored")]
    private partial void LogNotStored(Exception exception, string taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} is no longer watched for cancellation: the task store failed")]
    private partial void LogWatchFailed(Exception exception, string taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} is reported failed: its host {Runner} stopped saying it runs it")]
    private partial void LogRunnerGone(string taskId, string? runner);
}
