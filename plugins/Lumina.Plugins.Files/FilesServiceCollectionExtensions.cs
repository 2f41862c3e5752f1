using Lumina.Plugins.Files;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds what the files plugin needs to a service collection.</summary>
public static class FilesServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="FilesOptions"/> from <c>Lumina:Files</c>, checked when the host starts (each error names the
    /// setting), and serves the bound value to the plugin. Calling it again adds nothing twice.
    /// </summary>
    public static IServiceCollection AddFilesOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(FilesOptions)))
        {
            return services;
        }

        services.AddOptions<FilesOptions>().Bind(configuration.GetSection("Lumina:Files")).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FilesOptions>, FilesOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<FilesOptions>>().Value);
        return services;
    }
}
