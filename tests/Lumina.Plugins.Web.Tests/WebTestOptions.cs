using Lumina.Abstractions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lumina.Plugins.Web.Tests;

/// <summary>The settings profiles the tests and the corpus use, and a plugin built over them.</summary>
internal static class WebTestOptions
{
    /// <summary>A profile by name: default, loopback, denied or private.</summary>
    public static WebOptions Profile(string name)
    {
        var options = new WebOptions { Timeout = TimeSpan.FromSeconds(2), MaxBytes = 64 * 1024, PageBytes = 16 * 1024 };
        switch (name)
        {
            case "default":
                break;
            case "loopback":
                options.AllowedHosts = ["127.0.0.1", "*.test"];
                break;
            case "denied":
                options.AllowedHosts = ["127.0.0.1", "*.test"];
                options.DeniedHosts = ["127.0.0.1/32"];
                break;
            case "private":
                options.AllowPrivateNetworks = true;
                break;
            default:
                throw new ArgumentException($"No profile '{name}'.", nameof(name));
        }

        return options;
    }

    public static WebPlugin Plugin(WebOptions options, IWebHostResolver? resolver = null, ILuminaCallContextAccessor? context = null, TimeProvider? time = null) =>
        new(options, resolver ?? new MapResolver(), context ?? new LuminaCallContextAccessor(), time ?? TimeProvider.System, NullLoggerFactory.Instance);
}
