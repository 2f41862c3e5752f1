using Microsoft.Extensions.Options;

namespace Lumina.Core.ToolSets;

/// <summary>Every tool set of <c>Lumina:ToolSets</c>, by name; checked at start.</summary>
public sealed class ToolSetsOptions
{
    /// <summary>The sets, by name (case-insensitive).</summary>
    public IReadOnlyDictionary<string, ToolSetOptions> Sets { get; set; } = new Dictionary<string, ToolSetOptions>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Checks <c>Lumina:ToolSets</c> at start.</summary>
internal sealed class ToolSetsOptionsValidator : IValidateOptions<ToolSetsOptions>
{
    public ValidateOptionsResult Validate(string? name, ToolSetsOptions options)
    {
        var errors = LuminaToolSets.Validate(options.Sets);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
