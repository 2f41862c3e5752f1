using Microsoft.Extensions.Options;

namespace Lumina.Core.Auth;

/// <summary>Checks <see cref="LuminaAuthOptions"/> at start, naming the setting at fault.</summary>
internal sealed class LuminaAuthOptionsValidator : IValidateOptions<LuminaAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, LuminaAuthOptions options)
    {
        var failures = new List<string>();
        if (!LuminaRoles.IsKnown(options.LocalRole))
        {
            failures.Add($"Lumina:Auth:LocalRole '{options.LocalRole}' is not a role: use one of {string.Join(", ", LuminaRoles.All)}.");
        }

        if (options.AnonymousRole is not null && !LuminaRoles.IsKnown(options.AnonymousRole))
        {
            failures.Add($"Lumina:Auth:AnonymousRole '{options.AnonymousRole}' is not a role: use one of {string.Join(", ", LuminaRoles.All)}.");
        }

        foreach (var (key, value) in options.Permissions)
        {
            if (!LuminaRoles.TryParsePermission(value, out _))
            {
                failures.Add($"Lumina:Auth:Permissions:{key} '{value}' is not a permission: use read, write, execute or manage.");
            }
        }

        if (options.PasswordIterations < LuminaAuthOptions.MinimumIterations)
        {
            failures.Add($"Lumina:Auth:PasswordIterations must be at least {LuminaAuthOptions.MinimumIterations:N0} (OWASP's figure for PBKDF2-HMAC-SHA256).");
        }

        if (options.MinPasswordLength is < 8 or > 1024)
        {
            failures.Add("Lumina:Auth:MinPasswordLength must be between 8 and 1024.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
