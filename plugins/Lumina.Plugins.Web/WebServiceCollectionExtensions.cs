using Lumina.Plugins.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds what the web plugin needs to a service collection.</summary>
public static class WebServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="WebOptions"/> from <c>Lumina:Web</c>, checked when the host starts (each error names the
    /// setting), serves the bound value to the plugin, and adds the system resolver unless one is registered already
    /// (tests register their own first). Calling it again adds nothing twice.
    /// </summary>
    public static IServiceCollection AddWebOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(WebOptions)))
        {
            return services;
        }

        services.AddOptions<WebOptions>().Bind(configuration.GetSection("Lumina:Web")).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebOptions>, WebOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<WebOptions>>().Value);
        services.TryAddSingleton<IWebHostResolver, DnsWebHostResolver>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>Whether <c>Lumina:Web:Search:Kind</c> names a search endpoint, so the host serves <c>web_search</c>.</summary>
    public static bool HasWebSearch(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration["Lumina:Web:Search:Kind"]);
    }
}
