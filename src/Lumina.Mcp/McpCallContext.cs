using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Core.Tools;
using Lumina.Mcp.Tasks;
using Microsoft.Extensions.AI;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>The call context of one MCP request: the plugin's view of the client, filled from the request and its session.</summary>
/// <remarks>
/// A request of a session (2025-11-25 and earlier) asks the client during the call, with server-to-client requests. A
/// stateless request (2026-07-28) cannot: its questions end it with an input-required result (<see cref="InputRounds"/>).
/// </remarks>
internal sealed class McpCallContext : ILuminaCallContext
{
    private readonly InputRounds? _rounds;
    private int _asked;
    private TaskRun? _task;
    private Func<CancellationToken, Task<TaskRun>>? _continueAsTask;
    private (string? Parent, string? State)? _trace;

    private readonly McpServer _server;
    private readonly JsonRpcRequest _request;
    private readonly ProgressToken? _progressToken;
    private readonly string _logger;
    private readonly Func<TimeSpan, CancellationToken, ValueTask>? _enablePolling;

    public McpCallContext(McpServer server, JsonRpcRequest request, ProgressToken? progressToken, LuminaCaller caller, string logger, Func<TimeSpan, CancellationToken, ValueTask>? enablePolling = null, InputRounds? rounds = null)
    {
        _rounds = rounds;
        _enablePolling = enablePolling;
        _server = server;
        _request = request;
        _progressToken = progressToken;
        _logger = logger;
        Caller = caller;
        var capabilities = request.Context?.ClientCapabilities ?? server.ClientCapabilities;
        Client = new LuminaClientInfo(
            server.ClientInfo?.Name,
            server.ClientInfo?.Version,
            CanSample: capabilities?.Sampling is not null,
            CanElicit: capabilities?.Elicitation is not null,
            CanListRoots: capabilities?.Roots is not null)
        {
            CanSampleWithTools = capabilities?.Sampling?.Tools is not null,
        };
    }

    public LuminaCaller Caller { get; }

    public LuminaClientInfo Client { get; }

    public string? TraceParent => Trace.Parent;

    public string? TraceState => Trace.State;

    /// <summary>The request's trace context, read once (an upstream call asks for both parts).</summary>
    private (string? Parent, string? State) Trace => _trace ??= ReadTrace();

    /// <summary>Whether the call asks its client through input-required results (a stateless 2026-07-28 request).</summary>
    public bool AsksThroughResults => _rounds is not null;

    /// <summary>Whether the call asks without a server-to-client request: through input-required results or through its task.</summary>
    private bool AsksIndirectly => _rounds is not null || _task is not null;

    /// <summary>The call runs as <paramref name="run"/> from now on: its questions wait in the task, its progress is the task's status message.</summary>
    public void RunAsTask(TaskRun run) => _task = run;

    /// <summary>Lets the function make its call a task (<see cref="ContinueAsTaskAsync"/>) with <paramref name="continueAsTask"/>.</summary>
    public void AllowTask(Func<CancellationToken, Task<TaskRun>> continueAsTask) => _continueAsTask = continueAsTask;

    public async ValueTask<bool> ContinueAsTaskAsync(CancellationToken cancellationToken = default)
    {
        if (_task is not null)
        {
            return true;
        }

        if (Interlocked.Exchange(ref _continueAsTask, null) is not { } continueAsTask)
        {
            return false;
        }

        _task = await continueAsTask(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask ReportProgressAsync(double progress, double? total = null, string? message = null, CancellationToken cancellationToken = default)
    {
        if (_task is not null)
        {
            await _task.ReportAsync(progress, total, message, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_progressToken is not { } token)
        {
            return;
        }

        await _server.NotifyProgressAsync(
            token,
            new ProgressNotificationValue { Progress = (float)progress, Total = total is null ? null : (float)total.Value, Message = message },
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask LogAsync(LuminaLogLevel level, string message, CancellationToken cancellationToken = default)
    {
        var wanted = _request.Context?.LogLevel ?? CurrentLevel();
        var mapped = Map(level);
        if (_task is not null || wanted is null || mapped < wanted)
        {
            return;
        }

        await _server.SendNotificationAsync(
            NotificationMethods.LoggingMessageNotification,
            new LoggingMessageNotificationParams { Level = mapped, Logger = _logger, Data = JsonSerializer.SerializeToElement(message, LuminaJson.Options) },
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<ChatResponse> SampleAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (AsksIndirectly)
        {
            var key = NextKey("sampling");
            return (await RequestInputAsync(new Dictionary<string, LuminaInputRequest> { [key] = LuminaInputRequest.Sample(messages, options) }, null, cancellationToken).ConfigureAwait(false)).Sampling(key);
        }

        if (!Client.CanSample)
        {
            return await LuminaCallContext.InProcess.SampleAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await _server.SampleAsync(messages, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (McpException ex)
        {
            throw new LuminaException($"The client's model did not answer: {ex.Message}", ex);
        }
    }

    public async Task<ElicitationResult> ElicitAsync(ElicitationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (AsksIndirectly)
        {
            var key = NextKey("elicitation");
            return (await RequestInputAsync(new Dictionary<string, LuminaInputRequest> { [key] = LuminaInputRequest.Elicit(request) }, null, cancellationToken).ConfigureAwait(false)).Elicitation(key);
        }

        if (!Client.CanElicit)
        {
            return await LuminaCallContext.InProcess.ElicitAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var schema = request.RequestedSchema.Deserialize<ElicitRequestParams.RequestSchema>(McpJsonUtilities.DefaultOptions)
            ?? throw new ArgumentException("The elicitation schema is empty.", nameof(request));
        ElicitResult result;
        try
        {
            result = await _server.ElicitAsync(new ElicitRequestParams { Message = request.Message, RequestedSchema = schema }, cancellationToken).ConfigureAwait(false);
        }
        catch (McpException ex)
        {
            throw new LuminaException($"The client did not answer the question: {ex.Message}", ex);
        }

        var action = result.Action switch
        {
            "accept" => ElicitationAction.Accept,
            "decline" => ElicitationAction.Decline,
            _ => ElicitationAction.Cancel,
        };
        return new ElicitationResult(action, result.Content is null ? null : new Dictionary<string, JsonElement>(result.Content));
    }

    public async Task<IReadOnlyList<ClientRoot>> GetRootsAsync(CancellationToken cancellationToken = default)
    {
        if (!Client.CanListRoots)
        {
            return [];
        }

        if (AsksIndirectly)
        {
            var key = NextKey("roots");
            return (await RequestInputAsync(new Dictionary<string, LuminaInputRequest> { [key] = LuminaInputRequest.ListRoots() }, null, cancellationToken).ConfigureAwait(false)).Roots(key);
        }

        var result = await _server.RequestRootsAsync(new ListRootsRequestParams(), cancellationToken).ConfigureAwait(false);
        return [.. result.Roots.Select(r => new ClientRoot(r.Uri, r.Name))];
    }

    public Task<LuminaInputAnswers> RequestInputAsync(IReadOnlyDictionary<string, LuminaInputRequest> requests, JsonNode? state = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (!AsksIndirectly)
        {
            return LuminaCallContext.ResolveEachAsync(this, requests, state, cancellationToken);
        }

        // SEP-2575: never ask for what the client did not declare in this request's capabilities.
        foreach (var request in requests.Values)
        {
            switch (request.Kind)
            {
                case LuminaInputKind.Elicitation when !Client.CanElicit:
                    throw LuminaClientCapabilityException.NoElicitation();
                case LuminaInputKind.Sampling when !Client.CanSample:
                    throw LuminaClientCapabilityException.NoSampling();
                case LuminaInputKind.Roots when !Client.CanListRoots:
                    throw LuminaClientCapabilityException.NoRoots();
            }
        }

        return _task is not null
            ? _task.AskAsync(requests, state, cancellationToken)
            : Task.FromResult(_rounds!.Answer(requests, state));
    }

    public async ValueTask<bool> EnablePollingAsync(TimeSpan retryInterval, CancellationToken cancellationToken = default)
    {
        if (_enablePolling is null || _task is not null)
        {
            return false;
        }

        try
        {
            await _enablePolling(retryInterval, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (InvalidOperationException)
        {
            // This transport (stdio, stateless HTTP, no event store) keeps the connection: the call simply goes on.
            return false;
        }
    }

    private string NextKey(string kind) => $"{kind}-{Interlocked.Increment(ref _asked)}";

    /// <summary>The session-wide level set by <c>logging/setLevel</c> (how 2025-11-25 clients ask for logs).</summary>
    private LoggingLevel? CurrentLevel() => _server.LoggingLevel;

    private static LoggingLevel Map(LuminaLogLevel level) => level switch
    {
        LuminaLogLevel.Debug => LoggingLevel.Debug,
        LuminaLogLevel.Info => LoggingLevel.Info,
        LuminaLogLevel.Notice => LoggingLevel.Notice,
        LuminaLogLevel.Warning => LoggingLevel.Warning,
        LuminaLogLevel.Error => LoggingLevel.Error,
        LuminaLogLevel.Critical => LoggingLevel.Critical,
        LuminaLogLevel.Alert => LoggingLevel.Alert,
        _ => LoggingLevel.Emergency,
    };

    /// <summary>The request's <c>_meta.traceparent</c> (and <c>tracestate</c>), when it is a valid W3C trace context.</summary>
    private (string? Parent, string? State) ReadTrace()
    {
        if (_request.Params is not JsonObject parameters || parameters["_meta"] is not JsonObject meta
            || meta["traceparent"] is not JsonValue parent || !parent.TryGetValue<string>(out var traceParent))
        {
            return default;
        }

        var state = meta["tracestate"] is JsonValue vendor && vendor.TryGetValue<string>(out var traceState) ? traceState : null;
        return System.Diagnostics.ActivityContext.TryParse(traceParent, state, out _) ? (traceParent, state) : default;
    }
}
