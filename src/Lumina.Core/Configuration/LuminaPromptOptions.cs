namespace Lumina.Core.Configuration;

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
