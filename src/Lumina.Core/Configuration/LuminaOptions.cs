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
