using Lumina.Abstractions.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Lumina.Core.Memory;

/// <summary>
/// Opens the memory store when the host starts, so a store that cannot be reached (Redis down, a data folder that
/// cannot be written) stops the host at once with a message naming the setting, rather than failing the first call.
/// </summary>
internal sealed class MemoryStartupCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<ILuminaMemory>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
