using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Microsoft.Extensions.AI;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Federation;

/// <summary>
/// What an upstream server asks or tells while it handles a call (sampling, elicitation, roots; logging), taken to
/// the downstream client that made that call, and no other, through the call's context: in a session as server-to-client
/// requests, for a stateless 2026-07-28 client as input-required results (the question ends the downstream request; the
/// upstream call is dropped and made again when the client retries with the answer). Progress is matched to its call
/// by its token; the rest by the call in flight. A 2025-11-25 upstream names no call in its requests, so while a
/// connection carries several calls at once, a request cannot be placed and is refused to the upstream (never sent to
/// the wrong client). A client that cannot answer (no sampling, say) gives the upstream an error, not a hang.
/// </summary>
internal sealed class UpstreamRelay
{
    private static readonly AsyncLocal<RelayedCall?> s_asking = new();

    private readonly ConcurrentDictionary<long, RelayedCall> _calls = new();
    private long _next;

    /// <summary>Starts relaying for a call made through <paramref name="context"/>.</summary>
    public RelayedCall Begin(ILuminaCallContext context, CancellationTokenSource cancel)
    {
        var call = new RelayedCall(this, Interlocked.Increment(ref _next), context, cancel);
        _calls[call.Id] = call;
        return call;
    }

    /// <summary>The client handlers of an upstream connection.</summary>
    /// <param name="listChanged">Told when the server's tools, prompts or resources change.</param>
    /// <param name="resourceUpdated">Told when a resource the server was asked to watch changes.</param>
    public McpClientHandlers Handlers(Func<JsonRpcNotification, CancellationToken, ValueTask> listChanged, Func<JsonRpcNotification, CancellationToken, ValueTask> resourceUpdated) => new()
    {
        SamplingHandler = (request, _, cancellationToken) => SampleAsync(request, cancellationToken),
        ElicitationHandler = (request, cancellationToken) => ElicitAsync(request, cancellationToken),
        RootsHandler = (_, cancellationToken) => RootsAsync(cancellationToken),
        NotificationHandlers =
        [
            new(NotificationMethods.ToolListChangedNotification, listChanged),
            new(NotificationMethods.PromptListChangedNotification, listChanged),
            new(NotificationMethods.ResourceListChangedNotification, listChanged),
            new(NotificationMethods.ResourceUpdatedNotification, resourceUpdated),
            new(NotificationMethods.LoggingMessageNotification, LogAsync),
        ],
    };

    internal void End(RelayedCall call) => _calls.TryRemove(call.Id, out _);

    /// <summary>Marks <paramref name="call"/> as the one whose request the code that follows (in this async flow) sends.</summary>
    internal static void Sending(RelayedCall call) => s_asking.Value = call;

    private async ValueTask<CreateMessageResult> SampleAsync(CreateMessageRequestParams? request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await SampleAsync(Single("sampling/createMessage"), request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks the client of <paramref name="call"/> to sample, as the upstream asked.</summary>
    internal static async Task<CreateMessageResult> SampleAsync(RelayedCall call, CreateMessageRequestParams request, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage>();
        if (request.SystemPrompt is { Length: > 0 } system)
        {
            messages.Add(new ChatMessage(ChatRole.System, system));
        }

        messages.AddRange(request.Messages.Select(m => new ChatMessage(
            m.Role == Role.Assistant ? ChatRole.Assistant : ChatRole.User,
            [.. m.Content.Select(c => c.ToAIContent()).OfType<AIContent>()])));
        var options = new ChatOptions
        {
            MaxOutputTokens = request.MaxTokens,
            Temperature = request.Temperature,
            StopSequences = request.StopSequences is { Count: > 0 } stops ? [.. stops] : null,
        };
        var response = await call.AnswerAsync(() => call.Context.SampleAsync(messages, options, cancellationToken)).ConfigureAwait(false);
        return new CreateMessageResult
        {
            Role = Role.Assistant,
            Model = response.ModelId ?? "unknown",
            Content = [new TextContentBlock { Text = response.Text }],
            StopReason = response.FinishReason == ChatFinishReason.Length ? "maxTokens" : "endTurn",
        };
    }

    private async ValueTask<ElicitResult> ElicitAsync(ElicitRequestParams? request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await ElicitAsync(Single("elicitation/create"), request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks the user of <paramref name="call"/>'s client, as the upstream asked.</summary>
    internal static async Task<ElicitResult> ElicitAsync(RelayedCall call, ElicitRequestParams request, CancellationToken cancellationToken)
    {
        var schema = JsonSerializer.SerializeToNode(request.RequestedSchema, McpJsonUtilities.DefaultOptions) as JsonObject
            ?? throw new McpProtocolException("The elicitation has no requested schema.", McpErrorCode.InvalidParams);
        var answer = await call.AnswerAsync(() => call.Context.ElicitAsync(new ElicitationRequest(request.Message, schema), cancellationToken)).ConfigureAwait(false);
        return new ElicitResult
        {
            Action = answer.Action switch
            {
                ElicitationAction.Accept => "accept",
                ElicitationAction.Decline => "decline",
                _ => "cancel",
            },
            Content = answer.Content is null ? null : new Dictionary<string, JsonElement>(answer.Content),
        };
    }

    private async ValueTask<ListRootsResult> RootsAsync(CancellationToken cancellationToken)
    {
        // Asked outside any call (servers ask as they start): no client's roots are theirs to see.
        if (_calls.IsEmpty)
        {
            return new ListRootsResult { Roots = [] };
        }

        return await RootsAsync(Single("roots/list"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The roots of <paramref name="call"/>'s client.</summary>
    internal static async Task<ListRootsResult> RootsAsync(RelayedCall call, CancellationToken cancellationToken)
    {
        var roots = await call.AnswerAsync(() => call.Context.GetRootsAsync(cancellationToken)).ConfigureAwait(false);
        return new ListRootsResult { Roots = [.. roots.Select(r => new Root { Uri = r.Uri, Name = r.Name })] };
    }

    private async ValueTask LogAsync(JsonRpcNotification notification, CancellationToken cancellationToken)
    {
        if (_calls.Count != 1 || notification.Params?.Deserialize<LoggingMessageNotificationParams>(McpJsonUtilities.DefaultOptions) is not { } message)
        {
            return; // Not placeable: session-wide logs of the upstream stay in its own log.
        }

        var call = _calls.Values.First();
        var text = message.Data.ValueKind == JsonValueKind.String ? message.Data.GetString() ?? string.Empty : message.Data.GetRawText();
        var level = message.Level switch
        {
            LoggingLevel.Debug => LuminaLogLevel.Debug,
            LoggingLevel.Info => LuminaLogLevel.Info,
            LoggingLevel.Notice => LuminaLogLevel.Notice,
            LoggingLevel.Warning => LuminaLogLevel.Warning,
            LoggingLevel.Error => LuminaLogLevel.Error,
            LoggingLevel.Critical => LuminaLogLevel.Critical,
            LoggingLevel.Alert => LuminaLogLevel.Alert,
            _ => LuminaLogLevel.Emergency,
        };
        await call.Context.LogAsync(level, message.Logger is { Length: > 0 } logger ? $"[{logger}] {text}" : text, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The one call in flight, which the request can only belong to.</summary>
    /// <exception cref="McpProtocolException">None, or several: the request cannot be placed.</exception>
    private RelayedCall Single(string method)
    {
        // A question of a 2026-07-28 upstream (an input-required result) is answered within the request it ended,
        // whose call is known here; a 2025-11-25 upstream's request arrives on its own, and only the one call in flight
        // can be its.
        if (s_asking.Value is { } asking && _calls.ContainsKey(asking.Id))
        {
            return asking;
        }

        var calls = _calls.Values.Take(2).ToList();
        return calls switch
        {
            [var one] => one,
            [] => throw new McpProtocolException($"{method} outside a tool call: Lumina relays requests only to the client whose call is in progress.", McpErrorCode.InvalidRequest),
            _ => throw new McpProtocolException(
                $"{method} while several calls are in progress on this connection: the request names none of them, so Lumina cannot tell whose client to ask (send it from a server that answers one call at a time, or give each caller its own connection).",
                McpErrorCode.InvalidRequest),
        };
    }
}
