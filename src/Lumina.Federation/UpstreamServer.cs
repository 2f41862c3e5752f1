using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.SemanticKernel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Federation;

/// <summary>
/// One upstream MCP server: one connection (one process, over stdio) shared by every caller, its tools served as the
/// kernel plugin of its name. A connection that ends is made again after a pause that doubles with each failure (1 s
/// up to 1 min); calls in flight then fail with an error naming the server, and a call that takes longer than
/// <see cref="UpstreamServerOptions.Timeout"/> fails the same way. Disposing it ends its process.
/// </summary>
internal sealed partial class UpstreamServer : IAsyncDisposable
{
    private static readonly TimeSpan s_maxPause = TimeSpan.FromMinutes(1);

    private readonly LuminaPluginRegistry _registry;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly UpstreamRelay _relay = new();
    private McpClient? _client;
    private HttpClient? _http;
    private volatile UpstreamState _state = UpstreamState.Idle;
    private string? _lastError;
    private int _failures;
    private int _restarts;
    private int _toolCount;
    private int _promptCount;
    private int _resourceCount;
    private DateTimeOffset _retryAt;
    private volatile bool _stopping;

    private readonly UpstreamPins _pins;
    private IReadOnlyList<UpstreamTool> _served = [];
    private readonly ILuminaResourceNotifier _notifier;
    private readonly IServiceProvider _services;
    private readonly string? _callerId;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _subscribed = new(StringComparer.Ordinal);

    /// <param name="callerId">The caller whose own connection this is (<see cref="UpstreamServerOptions.PerCaller"/>), or <see langword="null"/> for the server's shared one.</param>
    public UpstreamServer(string name, UpstreamServerOptions options, LuminaPluginRegistry registry, IServiceProvider services, ILoggerFactory loggers, TimeProvider time, string? callerId = null)
    {
        _callerId = callerId;
        _services = services;
        _pins = new UpstreamPins(name, options.Pinning, services, loggers.CreateLogger<UpstreamPins>(), time);
        _notifier = services.GetRequiredService<ILuminaResourceNotifier>();
        Name = name;
        Options = options;
        _registry = registry;
        _loggers = loggers;
        _logger = loggers.CreateLogger<UpstreamServer>();
        _time = time;
    }

    public string Name { get; }

    public UpstreamServerOptions Options { get; }

    /// <summary>The name a tool or prompt <paramref name="name"/> of it is served under.</summary>
    public string ServedName(string name) => UpstreamNames.Served(Name, name, Options.Prefix);

    /// <summary>The URI a resource <paramref name="uri"/> of it is served under: <c>&lt;server&gt;+&lt;uri&gt;</c>, or the URI itself when its prefix is empty.</summary>
    public string ServedUri(string uri) => Options.Prefix is "" ? uri : UpstreamNames.ServedUri(Name, uri);

    /// <summary>Its own URI of a served one (<see cref="ServedUri"/>).</summary>
    public string UpstreamUri(string served) => Options.Prefix is "" ? served : UpstreamNames.UpstreamUri(Name, served);

    /// <summary>The source its plugin is registered under.</summary>
    public string Source => $"upstream:{Name}";

    public UpstreamStatus Status => new(Name, Options.Url is null ? "stdio" : "http", _state, _toolCount, _lastError, _restarts)
    {
        PromptCount = _promptCount,
        ResourceCount = _resourceCount,
        CallerConnections = _callers.Count,
    };

    /// <summary>Whether a list should connect it now: never connected, or failed and past its pause.</summary>
    public bool Wanted => !_stopping && (_state == UpstreamState.Idle || (_state == UpstreamState.Failed && _time.GetUtcNow() >= _retryAt));

    /// <summary>The connection, made if there is none (and the pause after a failure is over).</summary>
    /// <exception cref="LuminaException">It cannot be connected; the message names the server and says why.</exception>
    public async Task<McpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_state == UpstreamState.Connected && _client is { } connected)
        {
            return connected;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state == UpstreamState.Connected && _client is { } again)
            {
                return again;
            }

            if (_stopping)
            {
                throw new LuminaException($"The upstream server '{Name}' is stopping with the host.");
            }

            if (_failures > 0 && _time.GetUtcNow() < _retryAt)
            {
                throw new LuminaException($"The upstream server '{Name}' is unavailable ({_lastError}); it is tried again from {_retryAt:HH:mm:ss} UTC.");
            }

            _state = UpstreamState.Connecting;
            McpClient? client = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(Options.Timeout);
                client = await McpClient.CreateAsync(Transport(), ClientOptions(), _loggers, timeout.Token).ConfigureAwait(false);
                if (_callerId is null)
                {
                    // A caller's own connection serves nothing: the shared one lists what the server has.
                    await ServeAsync(client, timeout.Token).ConfigureAwait(false);
                }

                _client = client;
                _state = UpstreamState.Connected;
                _failures = 0;
                _lastError = null;
                LogConnected(Name, _toolCount);
                _ = WatchAsync(client);
                foreach (var uri in _subscribed.Keys)
                {
                    // A new connection (after a restart) is asked again for what clients subscribed to.
                    _ = SubscribeAsync(client, uri, CancellationToken.None);
                }

                return client;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested || ex is not OperationCanceledException)
            {
                if (client is not null)
                {
                    await client.DisposeAsync().ConfigureAwait(false);
                }

                _failures++;
                _retryAt = _time.GetUtcNow() + Pause(_failures);
                _state = UpstreamState.Failed;
                _lastError = ex is OperationCanceledException ? $"it did not finish connecting within {Options.Timeout}" : Reason(ex);
                LogConnectFailed(ex, Name, _lastError);
                throw new LuminaException($"The upstream server '{Name}' could not be connected: {_lastError}", ex);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

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

    public async ValueTask DisposeAsync()
    {
        lock (_callersGate)
        {
            _stopping = true;
        }

        await CloseCallerConnectionsAsync().ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Interlocked.Exchange(ref _client, null) is { } client)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

            Interlocked.Exchange(ref _http, null)?.Dispose();
            _state = UpstreamState.Idle;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Lists the server's tools and serves them as its plugin (again, when they change).</summary>
    private async Task ServeAsync(McpClient client, CancellationToken cancellationToken)
    {
        var tools = new List<Tool>();
        string? cursor = null;
        do
        {
            var page = await client.ListToolsAsync(new ListToolsRequestParams { Cursor = cursor }, cancellationToken).ConfigureAwait(false);
            tools.AddRange(page.Tools);
            cursor = page.NextCursor;
        }
        while (cursor is not null && tools.Count < 10_000);

        var plugin = UpstreamNames.Plugin(Name);
        var functions = new List<(KernelFunction Function, UpstreamTool Described)>();
        foreach (var tool in tools)
        {
            var permission = Options.Permission ?? (tool.Annotations?.ReadOnlyHint == true ? LuminaPermission.Read : LuminaPermission.Write);
            var made = UpstreamTool.Create(this, tool, permission, RunsTasks(client));
            if (functions.FirstOrDefault(f => f.Described.FunctionName == made.Described.FunctionName || f.Described.Tool.Name == made.Described.Tool.Name) is { Described: { } taken })
            {
                throw new LuminaException(
                    $"Its tools '{taken.UpstreamName}' and '{tool.Name}' would both be served as '{made.Described.Tool.Name}' (kernel function {plugin}.{made.Described.FunctionName}): the server must rename one.");
            }

            functions.Add(made);
        }

        await _pins.CheckAsync([.. functions.Select(f => f.Described)], cancellationToken).ConfigureAwait(false);
        var others = await OthersAsync(client, cancellationToken).ConfigureAwait(false);
        if (others.Select(o => o.Function.Name).Intersect(functions.Select(f => f.Function.Name), StringComparer.OrdinalIgnoreCase).FirstOrDefault() is { } clash)
        {
            throw new LuminaException($"Its tool served as the kernel function {plugin}.{clash} has the name its prompts or resources are served under: the server must rename it.");
        }

        // In one step: a call made while the server reconnects finds its tools, old or new, never none.
        if (!_registry.Replace(LuminaPluginFactory.FromFunctions(plugin, $"Tools, prompts and resources of the MCP server '{Name}'.", [.. functions.Select(f => f.Function), .. others.Select(o => o.Function)], Source)))
        {
            throw new LuminaException($"A plugin named '{plugin}' is already served (or Lumina:Plugins:Disabled names it): rename the server in Lumina:Servers.");
        }

        _toolCount = functions.Count;
        _promptCount = others.Count(o => o.Described is UpstreamPrompt);
        _resourceCount = others.Count(o => o.Described is UpstreamResource);
        _served = [.. functions.Select(f => f.Described)];
    }

    /// <summary>
    /// The server's prompts, resources and resource templates (those it has), as kernel functions. A prompt whose
    /// description reads like an instruction to the model is quarantined like a tool (but for <c>Pinning=off</c>).
    /// </summary>
    private async Task<List<(KernelFunction Function, ILuminaDescribedFunction Described)>> OthersAsync(McpClient client, CancellationToken cancellationToken)
    {
        var others = new List<(KernelFunction, ILuminaDescribedFunction)>();
        if (client.ServerCapabilities.Prompts is not null)
        {
            string? cursor = null;
            do
            {
                var page = await client.ListPromptsAsync(new ListPromptsRequestParams { Cursor = cursor }, cancellationToken).ConfigureAwait(false);
                foreach (var prompt in page.Prompts)
                {
                    var (function, described) = UpstreamPrompt.Create(this, prompt);
                    if (Options.Pinning != UpstreamPinning.Off && Screening.DescriptionScreen.ScanPrompt(described.Descriptor) is [var hit, ..])
                    {
                        LogPromptPoisoned(Name, prompt.Name, hit.RuleId, hit.Field);
                        described.Quarantined = Options.Pinning == UpstreamPinning.Strict
                            ? $"The prompt '{described.Prompt.Name}' of the MCP server '{Name}' is quarantined: {hit.Reason} (in {hit.Field}: \"{hit.Excerpt}\"). To serve it anyway, set Lumina:Servers:{Name}:Pinning=warn."
                            : null;
                    }

                    others.Add((function, described));
                }

                cursor = page.NextCursor;
            }
            while (cursor is not null && others.Count < 10_000);
        }

        if (client.ServerCapabilities.Resources is not null)
        {
            string? cursor = null;
            do
            {
                var page = await client.ListResourcesAsync(new ListResourcesRequestParams { Cursor = cursor }, cancellationToken).ConfigureAwait(false);
                others.AddRange(page.Resources.Select(r => { var (f, d) = UpstreamResource.Create(this, r); return (f, (ILuminaDescribedFunction)d); }));
                cursor = page.NextCursor;
            }
            while (cursor is not null && others.Count < 10_000);

            do
            {
                var page = await client.ListResourceTemplatesAsync(new ListResourceTemplatesRequestParams { Cursor = cursor }, cancellationToken).ConfigureAwait(false);
                others.AddRange(page.ResourceTemplates.Select(t => { var (f, d) = UpstreamResource.Create(this, t); return (f, (ILuminaDescribedFunction)d); }));
                cursor = page.NextCursor;
            }
            while (cursor is not null && others.Count < 10_000);
        }

        // Two resources of one URI (a server listing it twice) are served once.
        return [.. others.DistinctBy(o => o.Item1.Name, StringComparer.Ordinal)];
    }

    /// <summary>The tools it serves (after a connection), each with its pin state.</summary>
    public IReadOnlyList<UpstreamTool> Served => _served;

    /// <summary>Pins the current descriptor of <paramref name="tool"/> (or of every tool), approved by <paramref name="approvedBy"/>; quarantines lift.</summary>
    /// <returns>The tools approved.</returns>
    /// <exception cref="LuminaException">The server has no such tool, or it cannot be connected.</exception>
    public async Task<IReadOnlyList<UpstreamTool>> ApproveAsync(string? tool, string approvedBy, CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var chosen = tool is null ? _served : [.. _served.Where(t => t.UpstreamName == tool || t.Tool.Name == tool)];
        if (chosen.Count == 0)
        {
            throw new LuminaException($"The MCP server '{Name}' has no tool '{tool}'. Its tools: {string.Join(", ", _served.Select(t => t.UpstreamName))}.");
        }

        foreach (var each in chosen)
        {
            await _pins.ApproveAsync(each, approvedBy, cancellationToken).ConfigureAwait(false);
        }

        return chosen;
    }

    /// <summary>Every pin of this server in the store.</summary>
    public Task<IReadOnlyList<Core.Federation.ToolPin>> PinsAsync(CancellationToken cancellationToken) => _pins.ListAsync(cancellationToken);

    /// <summary>Whether the quarantined <paramref name="tool"/> has been approved since (then it is served again).</summary>
    public Task<bool> ApprovedSinceAsync(UpstreamTool tool, CancellationToken cancellationToken) => _pins.ApprovedSinceAsync(tool, cancellationToken);

    /// <summary>Lifts the quarantine of every tool approved since (asked before a list, so an approval shows at once).</summary>
    public async Task RecheckAsync(CancellationToken cancellationToken)
    {
        foreach (var tool in _served.Where(t => t.Quarantined is not null))
        {
            await _pins.ApprovedSinceAsync(tool, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>When the connection ends while the host runs, makes it again after the pause (again and again until it holds).</summary>
    private async Task WatchAsync(McpClient client)
    {
        var details = await client.Completion.ConfigureAwait(false);
        if (_stopping || !ReferenceEquals(Volatile.Read(ref _client), client))
        {
            return;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(_client, client))
            {
                return;
            }

            _client = null;
            _state = UpstreamState.Restarting;
            _restarts++;
            _failures++;
            _lastError = $"its connection ended ({details.Exception?.Message ?? "the server closed it"})";
            _retryAt = _time.GetUtcNow() + Pause(_failures);
            LogEnded(Name, _lastError);
        }
        finally
        {
            _gate.Release();
        }

        await client.DisposeAsync().ConfigureAwait(false);
        if (_callerId is not null)
        {
            // A caller's own connection is made again at their next call (after the pause), not before.
            _state = UpstreamState.Failed;
            return;
        }

        while (!_stopping)
        {
            var wait = _retryAt - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time).ConfigureAwait(false);
            }

            try
            {
                await ConnectAsync(CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (LuminaException) when (!_stopping)
            {
                _state = UpstreamState.Restarting;
            }
            catch (LuminaException)
            {
                return;
            }
        }
    }

    /// <summary>Why a connection failed, in words that say what to fix: the SDK's own message ("Failed to connect transport.") names no cause.</summary>
    private string Reason(Exception exception)
    {
        var chain = new List<Exception>();
        for (var each = exception; each is not null; each = each.InnerException)
        {
            chain.Add(each);
        }

        if (Options.Command is { } command && chain.FirstOrDefault(e => e is System.ComponentModel.Win32Exception or FileNotFoundException or DirectoryNotFoundException) is { } start)
        {
            return $"its command '{command}' could not be started ({start.Message})";
        }

        return string.Join(": ", chain.Select(e => e.Message.TrimEnd('.')).Distinct(StringComparer.Ordinal)) + ".";
    }

    private static TimeSpan Pause(int failures) => TimeSpan.FromSeconds(Math.Min(s_maxPause.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 10))));

    private IClientTransport Transport()
    {
        if (Options.Url is { } url)
        {
            var options = new HttpClientTransportOptions
            {
                Endpoint = url,
                Name = Name,
                AdditionalHeaders = new Dictionary<string, string>(Options.Headers, StringComparer.OrdinalIgnoreCase),
            };
            // One client for every connection (a token outlives a reconnection; no client is left undisposed by one),
            // disposed with this server.
            _http ??= new HttpClient(Options.TokenUrl is { } tokenUrl
                ? new ClientCredentialsHandler(Name, tokenUrl, Options.ClientId!, Options.ClientSecret!, Options.Scopes, _time, _loggers.CreateLogger<ClientCredentialsHandler>())
                {
                    InnerHandler = new SocketsHttpHandler(),
                }
                : new SocketsHttpHandler());
            return new HttpClientTransport(options, _http, _loggers, ownsHttpClient: false);
        }

        return new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = Options.Command!,
            Arguments = [.. Options.Args],
            WorkingDirectory = Options.WorkingDirectory,
            EnvironmentVariables = Options.Env.ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal),
            Name = Name,
            StandardErrorLines = line => LogStderr(Name, line),
        }, _loggers);
    }

    /// <summary>What Lumina says it can do: what it relays to the caller's client (whose own abilities decide each answer).</summary>
    private McpClientOptions ClientOptions() => new()
    {
        ClientInfo = new Implementation { Name = "lumina", Version = Core.LuminaVersion.Value },
        Capabilities = new ClientCapabilities
        {
            Sampling = new SamplingCapability(),
            Elicitation = new ElicitationCapability { Form = new FormElicitationCapability() },
            Roots = new RootsCapability(),
            // Tasks (2026-07-28): an upstream may answer a call with one, which Lumina follows to its end.
            Extensions = new Dictionary<string, object> { [TasksExtension] = new System.Text.Json.Nodes.JsonObject() },
        },
        Handlers = _relay.Handlers(
            (_, _) =>
            {
                _ = RefreshAsync();
                return ValueTask.CompletedTask;
            },
            ResourceUpdatedAsync),
    };

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

    /// <summary>The server said its tools, prompts or resources changed: list and serve them again.</summary>
    private async Task RefreshAsync()
    {
        try
        {
            if (_client is { } client && !_stopping && _callerId is null)
            {
                using var timeout = new CancellationTokenSource(Options.Timeout);
                await ServeAsync(client, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is LuminaException or McpException or OperationCanceledException or IOException)
        {
            LogRefreshFailed(ex, Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream server {Server} connected: {ToolCount} tools served")]
    private partial void LogConnected(string server, int toolCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server} could not be connected: {Reason}")]
    private partial void LogConnectFailed(Exception exception, string server, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server}: {Reason}; it is connected again after a pause")]
    private partial void LogEnded(string server, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server} changed its tools, and they could not be listed again")]
    private partial void LogRefreshFailed(Exception exception, string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server}: its prompt {Prompt} reads like an instruction to the model ({Rule} in {Field})")]
    private partial void LogPromptPoisoned(string server, string prompt, string rule, string field);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream server {Server} no longer knows Lumina's session: a new one is made")]
    private partial void LogSessionLost(string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server} was not told to cancel its task {TaskId}")]
    private partial void LogTaskCancelFailed(Exception exception, string server, string taskId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upstream server {Server} could not complete an argument")]
    private partial void LogCompletionFailed(Exception exception, string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server} refused a subscription to {Uri}")]
    private partial void LogSubscribeFailed(Exception exception, string server, string uri);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upstream server {Server} (stderr): {Line}")]
    private partial void LogStderr(string server, string line);
}
