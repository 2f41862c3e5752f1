using Microsoft.Extensions.Options;

namespace Lumina.Plugins.Web;

/// <summary>Checks <c>Lumina:Web</c> at start.</summary>
internal sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        var errors = WebOptions.Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
