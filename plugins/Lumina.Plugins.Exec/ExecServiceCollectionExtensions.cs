using System.Collections.Concurrent;
using Lumina.Plugins.Exec;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds what the exec plugin needs to a service collection.</summary>
public static class ExecServiceCollectionExtensions
{
    // One probe per sandbox setting in a process: every host a test process builds asks the same question.
    private static readonly ConcurrentDictionary<string, SandboxProbe> s_probes = new(StringComparer.Ordinal);

    /// <summary>
    /// Binds <see cref="ExecOptions"/> from <c>Lumina:Exec</c> (with the files plugin's <c>Lumina:Files:Roots</c>),
    /// checked when the host starts, probes the sandbox, and adds the start-up report of what the probe found.
    /// </summary>
    /// <returns>What the probe found: serve the exec plugin only when <see cref="ExecSandbox.Available"/>.</returns>
    public static ExecSandbox AddExec(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.FirstOrDefault(d => d.ServiceType == typeof(ExecSandbox))?.ImplementationInstance is ExecSandbox added)
        {
            return added;
        }

        var section = configuration.GetSection("Lumina:Exec");
        services.AddOptions<ExecOptions>().Bind(section)
            .PostConfigure(o => o.Roots = configuration.GetSection("Lumina:Files:Roots").Get<List<string>>() ?? [])
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExecOptions>, ExecOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ExecOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);

        var options = new ExecOptions();
        section.Bind(options);
        var key = $"{options.Sandbox}|{options.BubblewrapPath}|{options.Network}";
        var sandbox = new ExecSandbox(s_probes.GetOrAdd(key, _ => SandboxProbe.Run(options)));
        services.AddSingleton(sandbox);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ExecStartupReport>());
        return sandbox;
    }
}
