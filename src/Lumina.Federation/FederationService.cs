using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lumina.Federation;

/// <summary>
/// The upstream MCP servers of <c>Lumina:Servers</c>: eager ones connected as the host starts (in the background: one
/// that fails is reported and the host serves the rest), lazy ones at the first list; all of them, and every process
/// they run, ended when the host stops.
/// </summary>
public sealed partial class FederationService : IHostedService, ILuminaPluginSource, ILuminaServerStatus, IAsyncDisposable
{
    private readonly IReadOnlyList<UpstreamServer> _servers;
    private readonly IReadOnlyList<string> _ignored;
    private readonly ILogger _logger;

    internal FederationService(IReadOnlyList<UpstreamServer> servers, IReadOnlyList<string> ignored, ILogger<FederationService> logger)
    {
        _servers = servers;
        _ignored = ignored;
        _logger = logger;
    }

    /// <summary>How each upstream server is doing.</summary>
    public IReadOnlyList<UpstreamStatus> Statuses => [.. _servers.Select(s => s.Status)];

    public IReadOnlyList<LuminaServerDescription> Describe() =>
        [.. Statuses.Select(s => new LuminaServerDescription(s.Name, s.Transport, s.State.ToString().ToLowerInvariant(), s.ToolCount, s.LastError, s.Restarts)
        {
            PromptCount = s.PromptCount,
            ResourceCount = s.ResourceCount,
            CallerConnections = s.CallerConnections,
        })];

    /// <summary>The names of the configured (enabled) upstream servers.</summary>
    public IReadOnlyList<string> Names => [.. _servers.Select(s => s.Name)];

    /// <summary>Connects <paramref name="server"/> (if it is not) and says how each of its tools is served.</summary>
    /// <exception cref="LuminaException">No such server, or it cannot be connected.</exception>
    public async Task<IReadOnlyList<UpstreamToolState>> InspectAsync(string server, CancellationToken cancellationToken)
    {
        var upstream = Find(server);
        await upstream.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return [.. upstream.Served.Select(State)];
    }

    /// <summary>Approves the current descriptor of <paramref name="tool"/> of <paramref name="server"/> (of all its tools when null).</summary>
    /// <exception cref="LuminaException">No such server or tool, or it cannot be connected.</exception>
    public async Task<IReadOnlyList<UpstreamToolState>> ApproveAsync(string server, string? tool, string approvedBy, CancellationToken cancellationToken) =>
        [.. (await Find(server).ApproveAsync(tool, approvedBy, cancellationToken).ConfigureAwait(false)).Select(State)];

    /// <summary>The pins of <paramref name="server"/>'s tools in the store.</summary>
    /// <exception cref="LuminaException">No such server.</exception>
    public Task<IReadOnlyList<Core.Federation.ToolPin>> PinsAsync(string server, CancellationToken cancellationToken) => Find(server).PinsAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var note in _ignored)
        {
            LogImportNote(note);
        }

        foreach (var server in _servers.Where(s => s.Options.Start == UpstreamStart.Eager))
        {
            _ = ConnectQuietlyAsync(server, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async ValueTask EnsureStartedAsync(CancellationToken cancellationToken)
    {
        foreach (var server in _servers.Where(s => s.Status.State == UpstreamState.Connected))
        {
            await server.RecheckAsync(cancellationToken).ConfigureAwait(false);
        }

        // A server connecting now (an eager start, a restart) is waited for too: its tools are about to be served.
        var wanted = _servers.Where(s => s.Wanted || s.Status.State == UpstreamState.Connecting).ToList();
        if (wanted.Count > 0)
        {
            await Task.WhenAll(wanted.Select(s => ConnectQuietlyAsync(s, cancellationToken))).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            try
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
            {
                LogStopFailed(ex, server.Name);
            }
        }
    }

    private static UpstreamToolState State(UpstreamTool tool) => new(tool.UpstreamName, tool.Tool.Name!, tool.Hash, tool.Quarantined);

    private UpstreamServer Find(string server) =>
        _servers.FirstOrDefault(s => string.Equals(s.Name, server, StringComparison.Ordinal))
        ?? throw new LuminaException($"No MCP server '{server}' is configured (Lumina:Servers:{server}). Configured: {(_servers.Count == 0 ? "none" : string.Join(", ", _servers.Select(s => s.Name)))}.");

    private static async Task ConnectQuietlyAsync(UpstreamServer server, CancellationToken cancellationToken)
    {
        try
        {
            await server.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (LuminaException)
        {
            // Its status says why; its tools are served once it connects.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Imported MCP client configuration: {Note}")]
    private partial void LogImportNote(string note);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server} did not stop cleanly")]
    private partial void LogStopFailed(Exception exception, string server);
}
