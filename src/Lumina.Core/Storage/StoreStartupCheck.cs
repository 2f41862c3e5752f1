using Lumina.Abstractions.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Lumina.Core.Storage;

/// <summary>
/// Checks there is one store backend and opens the memory store when the host starts, so a missing backend or a store
/// that cannot be reached (Redis down, a data folder that cannot be written) stops the host at once with a message that
/// names the cause, rather than failing the first call.
/// </summary>
internal sealed class StoreStartupCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        StoreBackends.Single(services);
        _ = services.GetRequiredService<ILuminaMemory>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
