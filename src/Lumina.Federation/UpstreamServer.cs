using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.SemanticKernel;
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
    private volatile UpstreamState _state = UpstreamState.Idle;
    private string? _lastError;
    private int _failures;
    private int _restarts;
    private int _toolCount;
    private DateTimeOffset _retryAt;
    private volatile bool _stopping;

    private readonly UpstreamPins _pins;
    private IReadOnlyList<UpstreamTool> _served = [];

    public UpstreamServer(string name, UpstreamServerOptions options, LuminaPluginRegistry registry, IServiceProvider services, ILoggerFactory loggers, TimeProvider time)
    {
        _pins = new UpstreamPins(name, options.Pinning, services, loggers.CreateLogger<UpstreamPins>(), time);
        Name = name;
        Options = options;
        _registry = registry;
        _loggers = loggers;
        _logger = loggers.CreateLogger<UpstreamServer>();
        _time = time;
    }

    public string Name { get; }

    public UpstreamServerOptions Options { get; }

    /// <summary>The source its plugin is registered under.</summary>
    public string Source => $"upstream:{Name}";

    public UpstreamStatus Status => new(Name, Options.Url is null ? "stdio" : "http", _state, _toolCount, _lastError, _restarts);

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
                await ServeAsync(client, timeout.Token).ConfigureAwait(false);
                _client = client;
                _state = UpstreamState.Connected;
                _failures = 0;
                _lastError = null;
                LogConnected(Name, _toolCount);
                _ = WatchAsync(client);
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
                _lastError = ex is OperationCanceledException ? $"it did not finish connecting within {Options.Timeout}" : ex.Message;
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
        var client = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.Timeout);
        using var call = _relay.Begin(context, timeout);
        try
        {
            var result = await client.CallToolAsync(tool, arguments, call, cancellationToken: timeout.Token).ConfigureAwait(false);
            await call.ReportedAsync().ConfigureAwait(false);
            return result;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            call.ThrowIfEnded();
            throw new LuminaException($"The upstream server '{Name}' did not answer {tool} within {Options.Timeout} (Lumina:Servers:{Name}:Timeout).");
        }
        catch (McpProtocolException ex)
        {
            throw new LuminaException($"The upstream server '{Name}' refused {tool}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is McpException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            throw new LuminaException($"The upstream server '{Name}' failed during {tool}: {ex.Message}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Interlocked.Exchange(ref _client, null) is { } client)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

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
            var made = UpstreamTool.Create(this, tool, permission);
            if (functions.FirstOrDefault(f => f.Described.FunctionName == made.Described.FunctionName || f.Described.Tool.Name == made.Described.Tool.Name) is { Described: { } taken })
            {
                throw new LuminaException(
                    $"Its tools '{taken.UpstreamName}' and '{tool.Name}' would both be served as '{made.Described.Tool.Name}' (kernel function {plugin}.{made.Described.FunctionName}): the server must rename one.");
            }

            functions.Add(made);
        }

        await _pins.CheckAsync([.. functions.Select(f => f.Described)], cancellationToken).ConfigureAwait(false);

        // In one step: a call made while the server reconnects finds its tools, old or new, never none.
        if (!_registry.Replace(LuminaPluginFactory.FromFunctions(plugin, $"Tools of the MCP server '{Name}'.", functions.Select(f => f.Function), Source)))
        {
            throw new LuminaException($"A plugin named '{plugin}' is already served (or Lumina:Plugins:Disabled names it): rename the server in Lumina:Servers.");
        }

        _toolCount = functions.Count;
        _served = [.. functions.Select(f => f.Described)];
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

    private static TimeSpan Pause(int failures) => TimeSpan.FromSeconds(Math.Min(s_maxPause.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 10))));

    private IClientTransport Transport()
    {
        if (Options.Url is { } url)
        {
            return new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = url,
                Name = Name,
                AdditionalHeaders = new Dictionary<string, string>(Options.Headers, StringComparer.OrdinalIgnoreCase),
            }, _loggers);
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
        },
        Handlers = _relay.Handlers((_, _) =>
        {
            _ = RefreshAsync();
            return ValueTask.CompletedTask;
        }),
    };

    /// <summary>The server said its tools changed: list and serve them again.</summary>
    private async Task RefreshAsync()
    {
        try
        {
            if (_client is { } client && !_stopping)
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upstream server {Server} (stderr): {Line}")]
    private partial void LogStderr(string server, string line);
}
