using Microsoft.Extensions.Options;

namespace Lumina.Plugins.Exec;

/// <summary>Checks <c>Lumina:Exec</c> at start.</summary>
internal sealed class ExecOptionsValidator : IValidateOptions<ExecOptions>
{
    public ValidateOptionsResult Validate(string? name, ExecOptions options)
    {
        var errors = ExecOptions.Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
