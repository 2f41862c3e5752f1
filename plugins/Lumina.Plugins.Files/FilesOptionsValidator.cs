using Microsoft.Extensions.Options;

namespace Lumina.Plugins.Files;

/// <summary>Checks <c>Lumina:Files</c> at start.</summary>
internal sealed class FilesOptionsValidator : IValidateOptions<FilesOptions>
{
    public ValidateOptionsResult Validate(string? name, FilesOptions options)
    {
        var errors = FilesOptions.Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
