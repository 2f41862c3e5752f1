using Microsoft.Extensions.Options;

namespace Lumina.Core.Audit;

/// <summary>Checks <c>Lumina:Audit</c> at start.</summary>
internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    /// <summary>The longest batch window: what a crash can lose grows with it.</summary>
    private static readonly TimeSpan s_maxBatchWindow = TimeSpan.FromSeconds(10);

    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Durability))
        {
            errors.Add($"{AuditOptions.SectionName}:Durability must be Full, Normal or Buffered, not '{options.Durability}'.");
        }

        if (options.MaxPending < 1)
        {
            errors.Add($"{AuditOptions.SectionName}:MaxPending must be at least 1, not {options.MaxPending}.");
        }

        if (options.BatchWindow < TimeSpan.Zero || options.BatchWindow > s_maxBatchWindow)
        {
            errors.Add($"{AuditOptions.SectionName}:BatchWindow must be between 00:00:00 and 00:00:10, not {options.BatchWindow}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
