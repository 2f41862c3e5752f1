namespace Lumina.Core.Configuration;

/// <summary>Settings of <c>Lumina:Plugins</c>.</summary>
public sealed class LuminaPluginOptions
{
    /// <summary>
    /// Folders of plugin assemblies. Each <c>*.dll</c> directly in a folder, and each <c>Name/Name.dll</c> in a
    /// subfolder, is loaded in its own AssemblyLoadContext.
    /// </summary>
    /// <value>The default value is empty.</value>
    public IList<string> Directories { get; set; } = [];

    /// <summary>Names of plugins not to load (built-in or not), for example <c>files</c>.</summary>
    /// <value>The default value is empty.</value>
    public IList<string> Disabled { get; set; } = [];

    /// <summary>Whether assemblies added to or removed from <see cref="Directories"/> while the host runs are loaded or unloaded.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Watch { get; set; } = true;
}
