using Lumina.Core;
using Lumina.Core.Plugins;
using Lumina.Federation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Serves other MCP servers through the kernel.</summary>
public static class FederationServiceCollectionExtensions
{
    /// <summary>The configuration section of the upstream servers.</summary>
    public const string SectionName = "Lumina:Servers";

    /// <summary>Keys of <c>Lumina:Servers</c> that name no server.</summary>
    private static readonly HashSet<string> s_reserved = new(StringComparer.OrdinalIgnoreCase) { "Import", "Inputs" };

    /// <summary>
    /// Serves every server of <c>Lumina:Servers:&lt;name&gt;</c> as the kernel plugin <c>&lt;name&gt;</c>: its tools as
    /// <c>&lt;name&gt;_&lt;tool&gt;</c>, each call through every filter.
    /// </summary>
    /// <exception cref="LuminaStartupException">A server's settings make no sense; the message names the setting.</exception>
    public static ILuminaBuilder AddFederation(this ILuminaBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var servers = Read(WithImports(configuration, out var ignored));
        builder.Services.TryAddSingleton(sp => new FederationService(
            [.. servers.Select(s => new UpstreamServer(s.Name, s.Options, sp.GetRequiredService<LuminaPluginRegistry>(), sp, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()))],
            ignored,
            sp.GetRequiredService<ILogger<FederationService>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FederationService>());
        builder.Services.AddSingleton<ILuminaPluginSource>(sp => sp.GetRequiredService<FederationService>());
        builder.Services.AddSingleton<ILuminaServerStatus>(sp => sp.GetRequiredService<FederationService>());
        builder.Services.AddHealthChecks().AddCheck<UpstreamHealthCheck>("upstreams", tags: ["ready"]);
        builder.AddPlugin<FederationPlugin>(source: "builtin");
        return builder;
    }

    /// <summary>
    /// <paramref name="configuration"/> with the servers of the client files <c>Lumina:Servers:Import:&lt;i&gt;</c> names
    /// under it: a setting made in Lumina's own configuration wins over an imported one.
    /// </summary>
    /// <param name="ignored">What the files hold that Lumina does not use, to report.</param>
    /// <exception cref="LuminaStartupException">A file cannot be read or used.</exception>
    internal static IConfiguration WithImports(IConfiguration configuration, out List<string> ignored)
    {
        ignored = [];
        var paths = configuration.GetSection($"{SectionName}:Import").GetChildren().Select(c => c.Value).OfType<string>().Where(p => p.Length > 0).ToList();
        if (paths.Count == 0)
        {
            return configuration;
        }

        var inputs = configuration.GetSection($"{SectionName}:Inputs").GetChildren().ToDictionary(c => c.Key, c => c.Value ?? string.Empty, StringComparer.OrdinalIgnoreCase);
        var imported = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in paths)
        {
            var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var full = path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(home, path[2..]) : path;
            var (settings, notes) = Lumina.Federation.Configuration.ClientConfigImport.Read(full, Environment.GetEnvironmentVariable, inputs);
            foreach (var (key, value) in settings)
            {
                imported.TryAdd(key, value);
            }

            ignored.AddRange(notes);
        }

        return new ConfigurationBuilder().AddInMemoryCollection(imported).AddConfiguration(configuration).Build();
    }

    /// <summary>The enabled servers of <paramref name="configuration"/>, checked.</summary>
    internal static List<(string Name, UpstreamServerOptions Options)> Read(IConfiguration configuration)
    {
        var servers = new List<(string, UpstreamServerOptions)>();
        foreach (var section in configuration.GetSection(SectionName).GetChildren().Where(s => !s_reserved.Contains(s.Key)))
        {
            var name = section.Key;
            var options = new UpstreamServerOptions();
            try
            {
                section.Bind(options);
            }
            catch (InvalidOperationException ex)
            {
                throw new LuminaStartupException($"{SectionName}:{name}: {ex.Message}");
            }

            if (!options.Enabled)
            {
                continue;
            }

            if (!UpstreamNames.IsValidServer(name))
            {
                throw new LuminaStartupException($"{SectionName}:{name}: a server name is 1 to 32 letters, digits, '_' and '-', starting with a letter or digit.");
            }

            if (string.IsNullOrWhiteSpace(options.Command) == (options.Url is null))
            {
                throw new LuminaStartupException($"{SectionName}:{name}: set exactly one of Command (a server over stdio) and Url (a server over streamable HTTP).");
            }

            if (options.Url is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
            {
                throw new LuminaStartupException($"{SectionName}:{name}:Url must be an absolute http or https URL (it is '{url}').");
            }

            if (options.IdleTimeout <= TimeSpan.Zero || options.MaxConnections < 1)
            {
                throw new LuminaStartupException($"{SectionName}:{name}: IdleTimeout must be positive and MaxConnections at least 1 (they are {options.IdleTimeout} and {options.MaxConnections}).");
            }

            if (options.Prefix is { } prefix && !UpstreamNames.IsValidPrefix(prefix))
            {
                throw new LuminaStartupException($"{SectionName}:{name}:Prefix is up to 32 letters, digits, '_', '.' and '-' (it is '{prefix}').");
            }

            CheckClientCredentials(name, options);

            if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromHours(24))
            {
                throw new LuminaStartupException($"{SectionName}:{name}:Timeout must be between 00:00:00.001 and 1.00:00:00 (it is {options.Timeout}).");
            }

            if (servers.FirstOrDefault(s => UpstreamNames.Plugin(s.Item1) == UpstreamNames.Plugin(name)) is { Item1: { } other })
            {
                throw new LuminaStartupException($"{SectionName}:{other} and {SectionName}:{name} would both be served as the plugin '{UpstreamNames.Plugin(name)}': rename one.");
            }

            servers.Add((name, options));
        }

        return servers;
    }

    /// <summary>Checks the OAuth client credentials of the server <paramref name="name"/>, if it has any.</summary>
    /// <exception cref="LuminaStartupException">They are partial, on a server over stdio, sent in clear text, or clash with a header.</exception>
    private static void CheckClientCredentials(string name, UpstreamServerOptions options)
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            missing.Add(nameof(UpstreamServerOptions.ClientId));
        }

        if (string.IsNullOrEmpty(options.ClientSecret))
        {
            missing.Add(nameof(UpstreamServerOptions.ClientSecret));
        }

        if (options.TokenUrl is null)
        {
            missing.Add(nameof(UpstreamServerOptions.TokenUrl));
        }

        if (missing.Count == 3 && options.Scopes.Count == 0)
        {
            return;
        }

        var prefix = $"{SectionName}:{name}";
        if (options.Url is null)
        {
            throw new LuminaStartupException(
                $"{prefix}: ClientId, ClientSecret, TokenUrl and Scopes are for a server over streamable HTTP, and it runs over stdio: set {prefix}:Url instead of Command, or give the program its credentials in Env.");
        }

        if (missing.Count > 0)
        {
            var named = missing.Select(m => $"{prefix}:{m}").ToList();
            var unset = named.Count == 1 ? $"{named[0]} is" : $"{string.Join(", ", named[..^1])} and {named[^1]} are";
            throw new LuminaStartupException($"{prefix}: OAuth client credentials need ClientId, ClientSecret and TokenUrl together; {unset} not set.");
        }

        var tokenUrl = options.TokenUrl!;
        if (!tokenUrl.IsAbsoluteUri || (tokenUrl.Scheme != Uri.UriSchemeHttps && tokenUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new LuminaStartupException($"{prefix}:TokenUrl must be an absolute https URL (it is '{tokenUrl}').");
        }

        // The client secret goes to the token endpoint with every request for a token.
        if (tokenUrl.Scheme == Uri.UriSchemeHttp && !tokenUrl.IsLoopback)
        {
            throw new LuminaStartupException(
                $"{prefix}:TokenUrl must be an https URL: over http the client secret would cross the network in clear text to '{tokenUrl.Host}' (http is accepted only to a loopback address).");
        }

        if (options.Headers.Keys.Any(h => string.Equals(h, "Authorization", StringComparison.OrdinalIgnoreCase)))
        {
            throw new LuminaStartupException(
                $"{prefix}:Headers:Authorization and its client credentials would both set the Authorization header: remove one.");
        }

        for (var i = 0; i < options.Scopes.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Scopes[i]) || options.Scopes[i].Any(char.IsWhiteSpace))
            {
                throw new LuminaStartupException($"{prefix}:Scopes:{i} must be one scope, not empty and without spaces (it is '{options.Scopes[i]}').");
            }
        }
    }
}
