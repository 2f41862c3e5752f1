using Lumina.Abstractions;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Providers;

/// <summary>Adds <see cref="UsageChatClient"/> to a chat client pipeline.</summary>
public static class UsageChatClientBuilderExtensions
{
    /// <summary>
    /// Counts the tokens and cost of every routed call. Whatever is not given comes from the pipeline's services
    /// (<see cref="UsageMeter"/> and <see cref="ILuminaCallContextAccessor"/> required, <see cref="LuminaTelemetry"/> when there).
    /// </summary>
    public static ChatClientBuilder UseUsage(this ChatClientBuilder builder, UsageMeter? usage = null, ILuminaCallContextAccessor? context = null, LuminaTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => new UsageChatClient(
            inner,
            usage ?? services.GetRequiredService<UsageMeter>(),
            context ?? services.GetRequiredService<ILuminaCallContextAccessor>(),
            telemetry ?? services.GetService<LuminaTelemetry>()));
    }
}
