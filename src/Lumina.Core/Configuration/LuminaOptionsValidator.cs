using Lumina.Core.Plugins;
using Microsoft.Extensions.Options;

namespace Lumina.Core.Configuration;

/// <summary>Checks <see cref="LuminaOptions"/> at start, naming the setting that is wrong.</summary>
internal sealed class LuminaOptionsValidator : IValidateOptions<LuminaOptions>
{
    public ValidateOptionsResult Validate(string? name, LuminaOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("Lumina:DataDirectory must not be empty.");
        }

        CheckFolders(options.Plugins.Directories, "Lumina:Plugins:Directories", errors);
        CheckFolders(options.Prompts.Directories, "Lumina:Prompts:Directories", errors);
        for (var i = 0; i < options.Plugins.Disabled.Count; i++)
        {
            if (!PluginNames.IsValid(options.Plugins.Disabled[i]))
            {
                errors.Add($"Lumina:Plugins:Disabled:{i} ('{options.Plugins.Disabled[i]}') is not a plugin name: use letters, digits and '_'.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckFolders(IList<string> folders, string setting, List<string> errors)
    {
        for (var i = 0; i < folders.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(folders[i]))
            {
                errors.Add($"{setting}:{i} is empty.");
            }
            else if (!Directory.Exists(folders[i]))
            {
                errors.Add($"{setting}:{i} ('{folders[i]}') is not an existing folder.");
            }
        }
    }
}
