namespace Lumina.Core.Configuration;

/// <summary>Lumina's settings, bound from the <c>Lumina</c> configuration section.</summary>
public sealed class LuminaOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Lumina";

    /// <summary>Where Lumina keeps its embedded state.</summary>
    /// <value>The default value is the user's local application data folder + <c>lumina</c> (on Linux <c>~/.local/share/lumina</c>).</value>
    public string DataDirectory { get; set; } = DefaultDataDirectory();

    /// <summary>Where plugins come from.</summary>
    public LuminaPluginOptions Plugins { get; set; } = new();

    /// <summary>Where prompt templates come from.</summary>
    public LuminaPromptOptions Prompts { get; set; } = new();

    /// <summary>The data directory used when none is configured.</summary>
    public static string DefaultDataDirectory()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(root, "lumina");
    }
}

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

/// <summary>Settings of <c>Lumina:Prompts</c>.</summary>
public sealed class LuminaPromptOptions
{
    /// <summary>
    /// Folders in Semantic Kernel's prompt-directory format: <c>&lt;plugin&gt;/&lt;function&gt;/skprompt.txt</c> + <c>config.json</c>.
    /// </summary>
    /// <value>The default value is empty: only the built-in prompts are served.</value>
    public IList<string> Directories { get; set; } = [];

    /// <summary>Whether the prompts shipped with Lumina (the <c>prompts</c> folder beside the program) are served.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool BuiltIn { get; set; } = true;
}
