using System.Text.Json;
using Lumina.Abstractions;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Federation;

/// <summary>
/// The requests a caller's call makes of the server: tools, prompts, resources, completions and subscriptions, each
/// with the caller's trace, relayed questions and progress, a timeout, and one new session when the server forgot Lumina's.
/// </summary>
internal sealed partial class UpstreamServer
{
    /// <summary>
    /// Calls <paramref name="tool"/> on the server with <paramref name="arguments"/> for the caller of
    /// <paramref name="context"/>, to whose client the server's requests during the call are relayed; its answer comes
    /// back as it is. Cancelling <paramref name="cancellationToken"/> cancels the upstream call.
    /// </summary>
    /// <exception cref="LuminaException">The server is unavailable, refused the call, ended during it or took too long.</exception>
    /// <exception cref="LuminaInputRequiredException">The server asked something a stateless client answers in its next request.</exception>
    public async Task<CallToolResult> CallAsync(string tool, IReadOnlyDictionary<string, object?> arguments, ILuminaCallContext context, CancellationToken cancellationToken)
    {
        var result = await SendAsync(
            tool,
            context,
            (client, call, options, token) => RunsTasks(client)
                ? CallFollowingTasksAsync(client, call, tool, arguments, options, token)
                : client.CallToolAsync(tool, arguments, call, options, token).AsTask(),
            cancellationToken).ConfigureAwait(false);
        Serve(result.Content);
        return result;
    }

    /// <summary>Gets the prompt <paramref name="prompt"/> with <paramref name="arguments"/> for the caller of <paramref name="context"/>.</summary>
    /// <exception cref="LuminaException">The server is unavailable, refused, ended during it or took too long.</exception>
    public async Task<GetPromptResult> GetPromptAsync(string prompt, IReadOnlyDictionary<string, object?> arguments, ILuminaCallContext context, CancellationToken cancellationToken)
    {
        var result = await SendAsync($"the prompt {prompt}", context, (client, _, options, token) => client.GetPromptAsync(prompt, arguments, options, token).AsTask(), cancellationToken).ConfigureAwait(false);
        Serve(result.Messages.Select(m => m.Content));
        return result;
    }

    /// <summary>
    /// The resources an answer links to or embeds, under their served URIs (<see cref="ServedUri"/>), so a client can
    /// read them here: the rest of the answer is left as the server sent it.
    /// </summary>
    private void Serve(IEnumerable<ContentBlock> content)
    {
        foreach (var block in content)
        {
            switch (block)
            {
                case ResourceLinkBlock link:
                    link.Uri = ServedUri(link.Uri);
                    break;
                case EmbeddedResourceBlock { Resource: { } embedded }:
                    embedded.Uri = ServedUri(embedded.Uri);
                    break;
            }
        }
    }

    /// <summary>Reads <paramref name="uri"/> (the server's own URI) for the caller of <paramref name="context"/>; the contents come back under served URIs.</summary>
    /// <exception cref="LuminaException">The server is unavailable, refused, ended during it or took too long.</exception>
    public async Task<ReadResourceResult> ReadResourceAsync(string uri, ILuminaCallContext context, CancellationToken cancellationToken)
    {
        var result = await SendAsync($"the resource {uri}", context, (client, _, options, token) => client.ReadResourceAsync(uri, options, token).AsTask(), cancellationToken).ConfigureAwait(false);
        foreach (var contents in result.Contents)
        {
            contents.Uri = ServedUri(contents.Uri);
        }

        return result;
    }

    /// <summary>The server's completions of <paramref name="argument"/>, or <see langword="null"/> when it offers none.</summary>
    public async ValueTask<IReadOnlyList<string>?> CompleteAsync(Reference reference, string argument, string value, IReadOnlyDictionary<string, string>? arguments, CancellationToken cancellationToken)
    {
        var client = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        if (client.ServerCapabilities.Completions is null)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.Timeout);
        try
        {
            var result = await client.CompleteAsync(
                new CompleteRequestParams
                {
                    Ref = reference,
                    Argument = new Argument { Name = argument, Value = value },
                    Context = arguments is null ? null : new CompleteContext { Arguments = arguments.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal) },
                },
                timeout.Token).ConfigureAwait(false);
            return [.. result.Completion.Values];
        }
        catch (Exception ex) when (ex is McpException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // A completion is a convenience: none is better than an error in the middle of typing.
            LogCompletionFailed(ex, Name);
            return [];
        }
    }

    /// <summary>Asks the server for updates of <paramref name="uri"/> (its own URI), once; made again after a reconnection.</summary>
    public async ValueTask SubscribeAsync(string uri, CancellationToken cancellationToken)
    {
        if (!_subscribed.TryAdd(uri, 0))
        {
            return;
        }

        var client = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await SubscribeAsync(client, uri, cancellationToken).ConfigureAwait(false);
    }

    private async Task SubscribeAsync(McpClient client, string uri, CancellationToken cancellationToken)
    {
        if (client.ServerCapabilities.Resources?.Subscribe != true)
        {
            return;
        }

        try
        {
            await client.SubscribeToResourceAsync(uri, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is McpException or IOException)
        {
            LogSubscribeFailed(ex, Name, uri);
        }
    }

    /// <summary>
    /// The request's <c>_meta</c>: the trace goes on upstream, under Lumina's span when it records one (the SDK's own
    /// client span replaces it when that is recorded too), else straight from the caller's trace context (an activity
    /// nobody records, such as ASP.NET Core's when no tracing is set up, would leave the upstream's parent unknown).
    /// </summary>
    private static RequestOptions Traced(ILuminaCallContext context)
    {
        var (parent, state) = System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C, Recorded: true } current
            ? (current.Id, current.TraceStateString)
            : (context.TraceParent, context.TraceState);
        if (parent is null)
        {
            return new RequestOptions();
        }

        var meta = new System.Text.Json.Nodes.JsonObject { ["traceparent"] = parent };
        if (state is not null)
        {
            meta["tracestate"] = state;
        }

        return new RequestOptions { Meta = meta };
    }

    /// <summary>
    /// Sends one request for the caller of <paramref name="context"/>, to whose client the server's requests during it
    /// are relayed; cancelling <paramref name="cancellationToken"/> cancels it upstream.
    /// </summary>
    private async Task<T> SendAsync<T>(string what, ILuminaCallContext context, Func<McpClient, RelayedCall, RequestOptions, CancellationToken, Task<T>> send, CancellationToken cancellationToken)
    {
        if (Options.PerCaller && _callerId is null)
        {
            var own = Acquire(context.Caller.Id);
            try
            {
                return await own.Server.SendAsync(what, context, send, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Release(own);
            }
        }

        var client = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await SendOnceAsync(client, what, context, send, cancellationToken).ConfigureAwait(false);
        }
        catch (LuminaException ex) when (Options.Url is not null && SessionLost(ex.InnerException))
        {
            // The server forgot Lumina's session (it restarted, or expired it): a new one is made and the request sent
            // again, once.
            LogSessionLost(Name);
            await ForgetAsync(client).ConfigureAwait(false);
            return await SendOnceAsync(await ConnectAsync(cancellationToken).ConfigureAwait(false), what, context, send, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<T> SendOnceAsync<T>(McpClient client, string what, ILuminaCallContext context, Func<McpClient, RelayedCall, RequestOptions, CancellationToken, Task<T>> send, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.Timeout);
        using var call = _relay.Begin(context, timeout);
        try
        {
            UpstreamRelay.Sending(call);
            var result = await send(client, call, Traced(context), timeout.Token).ConfigureAwait(false);
            if (result is CallToolResult { IsError: true })
            {
                call.ThrowIfRefused();
            }

            await call.ReportedAsync().ConfigureAwait(false);
            return result;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            call.ThrowIfEnded();
            throw new LuminaException($"The upstream server '{Name}' did not answer {what} within {Options.Timeout} (Lumina:Servers:{Name}:Timeout).");
        }
        catch (UpstreamTaskFailedException)
        {
            throw;
        }
        catch (McpProtocolException ex)
        {
            // A question that ends the call surfaces here when the upstream asked it in an input-required result (the
            // SDK's client hands on the error the relay gave it), or as a cancellation when it asked in a request.
            call.ThrowIfEnded();
            call.ThrowIfRefused();
            throw new LuminaException($"The upstream server '{Name}' refused {what}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is McpException or IOException or ObjectDisposedException or InvalidOperationException or HttpRequestException)
        {
            call.ThrowIfEnded();
            throw new LuminaException($"The upstream server '{Name}' failed during {what}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Whether an upstream over HTTP no longer knows Lumina's session: it answered 404, as the protocol says, or (as the
    /// TypeScript SDK's servers do) 400 "No valid session ID provided".
    /// </summary>
    private static bool SessionLost(Exception? exception) => exception switch
    {
        HttpRequestException { StatusCode: System.Net.HttpStatusCode.NotFound } => true,
        McpException { Message: var message } => message.Contains("session", StringComparison.OrdinalIgnoreCase)
            && (message.Contains("not found", StringComparison.OrdinalIgnoreCase) || message.Contains("no valid", StringComparison.OrdinalIgnoreCase)
                || message.Contains("invalid", StringComparison.OrdinalIgnoreCase) || message.Contains("expired", StringComparison.OrdinalIgnoreCase)),
        _ => false,
    };

    /// <summary>Drops <paramref name="client"/> (not as a failure), so the next request connects anew.</summary>
    private async Task ForgetAsync(McpClient client)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(_client, client))
            {
                _client = null;
                _state = UpstreamState.Idle;
            }
        }
        finally
        {
            _gate.Release();
        }

        await client.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The server says a resource changed: the clients subscribed to it are told, under its served URI.</summary>
    private async ValueTask ResourceUpdatedAsync(JsonRpcNotification notification, CancellationToken cancellationToken)
    {
        if (notification.Params is not null && JsonSerializer.Deserialize<ResourceUpdatedNotificationParams>(notification.Params, McpJsonUtilities.DefaultOptions) is { Uri: { Length: > 0 } uri })
        {
            // On a caller's own connection, the update is theirs alone.
            if (_callerId is { } caller)
            {
                await _notifier.NotifyCallerUpdatedAsync(ServedUri(uri), caller, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _notifier.NotifyUpdatedAsync(ServedUri(uri), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream server {Server} no longer knows Lumina's session: a new one is made")]
    private partial void LogSessionLost(string server);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upstream server {Server} could not complete an argument")]
    private partial void LogCompletionFailed(Exception exception, string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server} refused a subscription to {Uri}")]
    private partial void LogSubscribeFailed(Exception exception, string server, string uri);
}
