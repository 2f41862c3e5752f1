using Lumina.Core.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Auth;

/// <summary>Registers authorization: the kernel filter and <see cref="ILuminaAuthorizer"/>.</summary>
public static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ILuminaAuthorizer"/> and the authorization filter, with options from <c>Lumina:Auth</c>; the store
    /// backend adds <see cref="ILuminaIdentityStore"/>. <c>AddLumina</c> calls it; calling it again adds nothing twice.
    /// </summary>
    public static IServiceCollection AddLuminaAuth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(AuthorizationFilter)))
        {
            return services;
        }

        var section = configuration.GetSection(LuminaAuthOptions.SectionName);
        services.AddOptions<LuminaAuthOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LuminaAuthOptions>, LuminaAuthOptionsValidator>());
        if (section["LocalRole"] is null && configuration["Lumina:Stdio:Role"] is { Length: > 0 } legacy)
        {
            // Lumina:Stdio:Role named the stdio caller's role before Lumina:Auth existed; it still works.
            services.PostConfigure<LuminaAuthOptions>(o => o.LocalRole = legacy);
        }

        services.TryAddSingleton<ILuminaAuthorizer, LuminaAuthorizer>();
        // Registered before the policy, audit and memory filters: Semantic Kernel runs filters in registration order,
        // outermost first.
        services.AddSingleton<AuthorizationFilter>();
        services.AddSingleton<IFunctionInvocationFilter>(sp => new TracedFunctionFilter("authorization", sp.GetRequiredService<AuthorizationFilter>()));
        return services;
    }
}
