using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
    public string Source => LuminaPluginSources.Upstream(Name);

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream server {Server} connected: {ToolCount} tools served")]
    private partial void LogConnected(string server, int toolCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server} could not be connected: {Reason}")]
    private partial void LogConnectFailed(Exception exception, string server, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server}: {Reason}; it is connected again after a pause")]
    private partial void LogEnded(string server, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upstream server {Server} (stderr): {Line}")]
    private partial void LogStderr(string server, string line);
}
