namespace Lumina.Core.Plugins;

/// <summary>A plugin registered in code (<c>AddPlugin</c>), created when the registry first loads.</summary>
public sealed class LuminaPluginRegistration(Func<IServiceProvider, LuminaPlugin> create)
{
    internal LuminaPlugin Create(IServiceProvider services) => create(services);
}
