using Lumina.Core;

namespace Lumina.Host;

/// <summary>
/// The composition root: what the <c>lumina</c> program puts into its kernel — the store <c>Lumina:Store</c> names, the
/// providers of <c>Lumina:Providers</c> and the built-in plugins. Both servers (stdio and HTTP) compose the same way.
/// </summary>
internal static class LuminaComposition
{
    /// <summary>Adds Lumina's kernel as the <c>lumina</c> program serves it.</summary>
    public static ILuminaBuilder AddLuminaServer(this IServiceCollection services, IConfiguration configuration) =>
        services.AddLumina(configuration)
            .AddProviders(configuration);
}
