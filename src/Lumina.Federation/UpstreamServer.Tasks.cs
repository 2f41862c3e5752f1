using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Federation;

/// <summary>
/// Calls to an upstream of the tasks extension (SEP-2663, 2026-07-28): Lumina declares the extension, so the upstream
/// may answer a call with a task (a long one, or one of its tools that needs a task). Lumina then follows the task
/// (<c>tasks/get</c> at the interval the upstream asks), answers its questions through the caller's context
/// (<c>tasks/update</c>), cancels it when the caller cancels (<c>tasks/cancel</c>), and returns its result as the
/// call's: the caller sees one call, or a task of Lumina's own when it asked for one.
/// </summary>
internal sealed partial class UpstreamServer
{
    private const string TasksExtension = "io.modelcontextprotocol/tasks";

    private static readonly TimeSpan s_minPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_maxPoll = TimeSpan.FromSeconds(5);

    /// <summary>Whether the upstream may answer a call with a task.</summary>
    private static bool RunsTasks(McpClient client) =>
        client.ServerCapabilities.Extensions?.ContainsKey(TasksExtension) == true
        && string.CompareOrdinal(client.NegotiatedProtocolVersion, "2026-07-28") >= 0;

    /// <summary>Calls <paramref name="tool"/>, following the task the upstream may answer with to its end.</summary>
    private async Task<CallToolResult> CallFollowingTasksAsync(McpClient client, RelayedCall call, string tool, IReadOnlyDictionary<string, object?> arguments, RequestOptions options, CancellationToken cancellationToken)
    {
        var token = $"lumina-{Guid.NewGuid():N}";
        var meta = options.Meta?.DeepClone() as JsonObject ?? [];
        meta["progressToken"] = token;
        await using var progress = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (notification, _) =>
        {
            if (notification.Params?.Deserialize<ProgressNotificationParams>(McpJsonUtilities.DefaultOptions) is { } reported
                && string.Equals(reported.ProgressToken.ToString(), token, StringComparison.Ordinal))
            {
                call.Report(reported.Progress);
            }

            return ValueTask.CompletedTask;
        });

        var answer = await SendRawAsync(client, RequestMethods.ToolsCall, new JsonObject
        {
            ["name"] = tool,
            ["arguments"] = JsonSerializer.SerializeToNode(arguments, McpJsonUtilities.DefaultOptions),
            ["_meta"] = meta,
        }, cancellationToken).ConfigureAwait(false);
        if (answer["resultType"]?.GetValue<string>() != "task")
        {
            return Read<CallToolResult>(answer);
        }

        var taskId = answer["taskId"]?.GetValue<string>() ?? throw new McpException($"The upstream server '{Name}' made a task without a taskId.");
        try
        {
            // The upstream made the call a task: so does Lumina, for a caller who can take one (the rest wait here).
            await call.Context.ContinueAsTaskAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                switch (answer["status"]?.GetValue<string>())
                {
                    case "completed":
                        return answer["result"] is JsonObject result ? Read<CallToolResult>(result) : new CallToolResult { Content = [] };
                    case "failed":
                        throw new UpstreamTaskFailedException(
                            $"The upstream server '{Name}' failed {tool}: {answer["error"]?["message"]?.GetValue<string>() ?? "its task failed"}",
                            answer["error"]?["code"] is JsonValue code && code.TryGetValue<int>(out var number) ? (McpErrorCode)number : McpErrorCode.InternalError);
                    case "cancelled":
                        throw new McpException("it cancelled the task");
                    case "input_required" when answer["inputRequests"] is JsonObject requests:
                        var responses = new JsonObject();
                        foreach (var (key, request) in requests)
                        {
                            responses[key] = await AnswerAsync(call, request, cancellationToken).ConfigureAwait(false);
                        }

                        await SendRawAsync(client, "tasks/update", new JsonObject { ["taskId"] = taskId, ["inputResponses"] = responses }, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        await Task.Delay(PollInterval(answer), _time, cancellationToken).ConfigureAwait(false);
                        break;
                }

                answer = await SendRawAsync(client, "tasks/get", new JsonObject { ["taskId"] = taskId }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CancelQuietlyAsync(client, taskId).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>One request, its result as JSON (a question the upstream asks in an input-required result is answered by the client's handlers on the way).</summary>
    private static async Task<JsonObject> SendRawAsync(McpClient client, string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        var response = await client.SendRequestAsync(new JsonRpcRequest { Method = method, Params = parameters }, cancellationToken).ConfigureAwait(false);
        return response.Result as JsonObject ?? throw new McpException($"{method} answered without a result object.");
    }

    /// <summary>The answer of the caller's client to one question of the upstream's task, as the task takes it.</summary>
    private static async Task<JsonNode?> AnswerAsync(RelayedCall call, JsonNode? request, CancellationToken cancellationToken)
    {
        var asked = request.Deserialize<InputRequest>(McpJsonUtilities.DefaultOptions) ?? throw new McpException("The upstream asked an empty question.");
        var response = asked.Method switch
        {
            RequestMethods.SamplingCreateMessage => InputResponse.FromSamplingResult(
                await UpstreamRelay.SampleAsync(call, asked.SamplingParams ?? throw new McpException("A sampling question without parameters."), cancellationToken).ConfigureAwait(false)),
            RequestMethods.ElicitationCreate => InputResponse.FromElicitResult(
                await UpstreamRelay.ElicitAsync(call, asked.ElicitationParams ?? throw new McpException("An elicitation without parameters."), cancellationToken).ConfigureAwait(false)),
            RequestMethods.RootsList => InputResponse.FromRootsResult(await UpstreamRelay.RootsAsync(call, cancellationToken).ConfigureAwait(false)),
            var other => throw new McpException($"The upstream asked '{other}', which Lumina cannot relay."),
        };
        return JsonSerializer.SerializeToNode(response, McpJsonUtilities.DefaultOptions);
    }

    private async Task CancelQuietlyAsync(McpClient client, string taskId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await SendRawAsync(client, "tasks/cancel", new JsonObject { ["taskId"] = taskId }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is McpException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            LogTaskCancelFailed(ex, Name, taskId);
        }
    }

    private static TimeSpan PollInterval(JsonObject task)
    {
        var asked = task["pollIntervalMs"] is JsonValue value && value.TryGetValue<double>(out var ms) ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromSeconds(1);
        return asked < s_minPoll ? s_minPoll : asked > s_maxPoll ? s_maxPoll : asked;
    }

    private static T Read<T>(JsonNode node) =>
        node.Deserialize<T>(McpJsonUtilities.DefaultOptions) ?? throw new McpException(string.Create(CultureInfo.InvariantCulture, $"An empty {typeof(T).Name}."));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server} was not told to cancel its task {TaskId}")]
    private partial void LogTaskCancelFailed(Exception exception, string server, string taskId);
}

/// <summary>
/// An upstream's task failed (a protocol error in it, not a tool error): the call fails the same way, so a task of
/// Lumina's that follows it is <c>failed</c> too, not completed with an error.
/// </summary>
internal sealed class UpstreamTaskFailedException(string message, McpErrorCode code) : McpProtocolException(message, code);
