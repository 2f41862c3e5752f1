using Lumina.Core.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Policy;

/// <summary>Registers the policy guard: its options, the store of kept results and the filter.</summary>
public static class PolicyServiceCollectionExtensions
{
    /// <summary>
    /// Adds the policy guard with options from <c>Lumina:Policy</c>; the store backend adds the rate-limit store (in
    /// memory with SQLite, shared by every host with Redis). <c>AddLumina</c> calls it; calling it again adds nothing twice.
    /// </summary>
    /// <remarks>
    /// Kernel filters run in registration order, the first outermost: call it after authorization (a refused caller
    /// costs no token and asks the user nothing) and before the memory filter.
    /// </remarks>
    public static IServiceCollection AddLuminaPolicy(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(PolicyFilter)))
        {
            return services;
        }

        services.AddOptions<PolicyOptions>().Bind(configuration.GetSection(PolicyOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PolicyOptions>, PolicyOptionsValidator>());
        services.TryAddSingleton<PolicyResultStore>();
        services.AddSingleton<PolicyFilter>();
        services.AddSingleton<IFunctionInvocationFilter>(sp => new TracedFunctionFilter("policy", sp.GetRequiredService<PolicyFilter>()));
        return services;
    }
}
