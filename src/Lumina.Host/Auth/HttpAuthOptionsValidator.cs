using System.Text;
using Microsoft.Extensions.Options;

namespace Lumina.Host.Auth;

internal sealed class HttpAuthOptionsValidator : IValidateOptions<HttpAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpAuthOptions options)
    {
        var errors = new List<string>();
        if (options.SigningKey is { } key && Encoding.UTF8.GetByteCount(key) < HttpAuthOptions.MinimumSigningKeyBytes)
        {
            errors.Add($"Lumina:Auth:SigningKey must be at least {HttpAuthOptions.MinimumSigningKeyBytes} bytes (for example the output of 'openssl rand -base64 48').");
        }

        if (options.TokenLifetime < TimeSpan.FromSeconds(1) || options.TokenLifetime > TimeSpan.FromDays(1))
        {
            errors.Add("Lumina:Auth:TokenLifetime must be between 00:00:01 and 1.00:00:00.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            errors.Add("Lumina:Auth:ClockSkew must be between 00:00:00 and 00:05:00.");
        }

        CheckUri(errors, "Resource", options.Resource);
        CheckUri(errors, "Issuer", options.Issuer);
        CheckUri(errors, "Authority", options.Authority);
        if (string.IsNullOrWhiteSpace(options.RoleClaim))
        {
            errors.Add("Lumina:Auth:RoleClaim must not be empty.");
        }

        if (options.IdentityCacheDuration < TimeSpan.Zero || options.IdentityCacheDuration > TimeSpan.FromMinutes(1))
        {
            errors.Add("Lumina:Auth:IdentityCacheDuration must be between 00:00:00 and 00:01:00.");
        }

        var lockout = options.Lockout;
        if (lockout.MaxFailures < 1 || lockout.MaxFailuresPerClient < 1)
        {
            errors.Add("Lumina:Auth:Lockout:MaxFailures and MaxFailuresPerClient must be at least 1.");
        }

        if (lockout.Window <= TimeSpan.Zero || lockout.Duration <= TimeSpan.Zero || lockout.Delay < TimeSpan.Zero)
        {
            errors.Add("Lumina:Auth:Lockout:Window and Duration must be positive, and Delay not negative.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckUri(List<string> errors, string setting, string? value)
    {
        if (value is not null && (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors.Add($"Lumina:Auth:{setting} ('{value}') is not an absolute http(s) URI.");
        }
    }
}
