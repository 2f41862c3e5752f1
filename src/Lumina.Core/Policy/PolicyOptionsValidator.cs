using Microsoft.Extensions.Options;

namespace Lumina.Core.Policy;

/// <summary>Checks <see cref="PolicyOptions"/> at start, naming the setting at fault.</summary>
internal sealed class PolicyOptionsValidator : IValidateOptions<PolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, PolicyOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, value) in options.Risk)
        {
            if (!ToolRisks.TryParse(value, out _))
            {
                failures.Add($"Lumina:Policy:Risk:{key} '{value}' is not a risk: use read-only, mutating, destructive or open-world.");
            }
        }

        if (options.RateLimit.PermitsPerMinute < 0)
        {
            failures.Add("Lumina:Policy:RateLimit:PermitsPerMinute must be 0 (no limit) or more.");
        }

        if (options.RateLimit.PermitsPerMinute > 0 && options.RateLimit.Burst < 1)
        {
            failures.Add("Lumina:Policy:RateLimit:Burst must be at least 1 when Lumina:Policy:RateLimit:PermitsPerMinute is set.");
        }

        if (options.MaxArgumentBytes < 0)
        {
            failures.Add("Lumina:Policy:MaxArgumentBytes must be 0 (no cap) or more.");
        }

        if (options.MaxResultBytes is < 0 or (> 0 and < 1024))
        {
            failures.Add("Lumina:Policy:MaxResultBytes must be 0 (no cap) or at least 1024.");
        }

        if (!options.KeepsOversizeResults && !string.Equals(options.OversizeResults, "truncate", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Lumina:Policy:OversizeResults '{options.OversizeResults}' is not a choice: use truncate or resource.");
        }

        if (options.ResultRetention <= TimeSpan.Zero || options.ResultRetention > TimeSpan.FromDays(1))
        {
            failures.Add("Lumina:Policy:ResultRetention must be more than zero and at most a day (for example 00:05:00).");
        }

        if (options.KeepsOversizeResults && options.MaxStoredResultBytes < options.MaxResultBytes)
        {
            failures.Add("Lumina:Policy:MaxStoredResultBytes must be at least Lumina:Policy:MaxResultBytes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
