using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>Per-session bookkeeping for transports with long-lived sessions (stateful streamable HTTP).</summary>
public static class LuminaMcpSessions
{
    /// <summary>
    /// Runs a session with Lumina's bookkeeping: resource-update notifications reach the session through its own
    /// channel (not through the request that subscribed), and its subscriptions are forgotten when it ends.
    /// </summary>
    public static async Task RunAsync(McpServer server, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(services);
        var subscriptions = services.GetRequiredService<ResourceSubscriptions>();
        subscriptions.AttachSession(server);
        try
        {
            await server.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            subscriptions.EndSession(server.SessionId);
        }
    }
}
