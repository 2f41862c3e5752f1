// MCP9006: resumable SSE streams are the SDK's path for 2025-11-25 session clients, which Lumina serves on purpose.
#pragma warning disable MCP9006
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelContextProtocol.Server;

namespace Lumina.Host.Http;

/// <summary>Registers the HTTP host's resumable SSE event store.</summary>
internal static class EventStreamStoreExtensions
{
    /// <summary>
    /// Registers <see cref="MemoryEventStreamStore"/>: events kept for <paramref name="retention"/> within
    /// <paramref name="maxBytes"/>; a client reconnecting to a call that released its stream waits up to
    /// <paramref name="resumeWait"/> for the call's next event.
    /// </summary>
    public static IMcpServerBuilder WithMemoryEventStreamStore(this IMcpServerBuilder builder, long maxBytes, TimeSpan retention, TimeSpan resumeWait)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(TimeProvider.System);
        // A singleton: every request of the process writes and resumes the same streams.
        builder.Services.AddSingleton<ISseEventStreamStore>(sp => new MemoryEventStreamStore(
            maxBytes,
            retention,
            resumeWait,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<MemoryEventStreamStore>>(),
            sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping));
        return builder;
    }
}
