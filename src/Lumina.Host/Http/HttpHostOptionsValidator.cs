using Microsoft.Extensions.Options;

namespace Lumina.Host.Http;

internal sealed class HttpHostOptionsValidator : IValidateOptions<HttpHostOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpHostOptions options)
    {
        var errors = new List<string>();
        if (options.MaxRequestBodyBytes < 1024)
        {
            errors.Add("Lumina:Http:MaxRequestBodyBytes must be at least 1024.");
        }

        if (options.SessionIdleTimeout <= TimeSpan.Zero)
        {
            errors.Add("Lumina:Http:SessionIdleTimeout must be positive (for example 00:10:00).");
        }

        if (options.MaxIdleSessions < 1)
        {
            errors.Add("Lumina:Http:MaxIdleSessions must be at least 1.");
        }

        if (options.MaxSessionsPerIdentity < 1)
        {
            errors.Add("Lumina:Http:MaxSessionsPerIdentity must be at least 1.");
        }

        if (options.EventRetention <= TimeSpan.Zero || options.MaxEventStoreBytes < 1024 * 1024)
        {
            errors.Add("Lumina:Http:EventRetention must be positive and Lumina:Http:MaxEventStoreBytes at least 1 MiB.");
        }

        if (options.ResumeWait < TimeSpan.Zero || options.ResumeWait > TimeSpan.FromMinutes(10))
        {
            errors.Add("Lumina:Http:ResumeWait must be between 00:00:00 and 00:10:00.");
        }

        for (var i = 0; i < options.AllowedOrigins.Count; i++)
        {
            if (!Uri.TryCreate(options.AllowedOrigins[i], UriKind.Absolute, out var origin) || origin.Scheme is not ("http" or "https"))
            {
                errors.Add($"Lumina:Http:AllowedOrigins:{i} ('{options.AllowedOrigins[i]}') is not an http(s) origin.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
