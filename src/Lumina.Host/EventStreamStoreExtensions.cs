// MCP9006: resumable SSE streams are the SDK's path for 2025-11-25 session clients, which Lumina serves on purpose.
#pragma warning disable MCP9006
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelContextProtocol.Server;

namespace Lumina.Host;

/// <summary>Registers the HTTP host's resumable SSE event store.</summary>
internal static class EventStreamStoreExtensions
{
    /// <summary>
    /// Registers <see cref="MemoryEventStreamStore"/>: events kept for <paramref name="retention"/> within
    /// <paramref name="maxBytes"/>.
    /// </summary>
    public static IMcpServerBuilder WithMemoryEventStreamStore(this IMcpServerBuilder builder, long maxBytes, TimeSpan retention)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ISseEventStreamStore>(sp => new MemoryEventStreamStore(
            maxBytes,
            retention,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<MemoryEventStreamStore>>()));
        return builder;
    }

    /// <summary>
    /// Decorates the registered <see cref="ISseEventStreamStore"/> (call after <see cref="WithMemoryEventStreamStore"/>)
    /// so a reconnecting reader waits up to <paramref name="maxWait"/> for a running call's next event.
    /// </summary>
    public static IMcpServerBuilder WithWaitingStreamResumption(this IMcpServerBuilder builder, TimeSpan maxWait)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(ISseEventStreamStore))
            ?? throw new InvalidOperationException("Register an SSE event stream store (WithMemoryEventStreamStore) before WithWaitingStreamResumption.");
        services.TryAddSingleton(TimeProvider.System);
        services.RemoveAll<ISseEventStreamStore>();
        // A singleton like the store it wraps: the open-stream table must be shared by every request of the process.
        services.AddSingleton<ISseEventStreamStore>(sp => new WaitingEventStreamStore(
            CreateInner(sp, registered),
            maxWait,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ILogger<WaitingEventStreamStore>>()));
        return builder;
    }

    private static ISseEventStreamStore CreateInner(IServiceProvider services, ServiceDescriptor registered) =>
        (ISseEventStreamStore)(registered.ImplementationInstance
            ?? registered.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, registered.ImplementationType!));
}
