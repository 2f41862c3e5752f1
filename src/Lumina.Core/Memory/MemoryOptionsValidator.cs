using Microsoft.Extensions.Options;

namespace Lumina.Core.Memory;

/// <summary>Checks <c>Lumina:Memory</c> at start.</summary>
internal sealed class MemoryOptionsValidator : IValidateOptions<MemoryOptions>
{
    public ValidateOptionsResult Validate(string? name, MemoryOptions options)
    {
        var errors = new List<string>();
        foreach (var (value, setting) in new[]
        {
            (options.MaxFactsPerUser, "MaxFactsPerUser"),
            (options.MaxFactBytes, "MaxFactBytes"),
            (options.MaxContextKeys, "MaxContextKeys"),
            (options.MaxValueBytes, "MaxValueBytes"),
            (options.MaxConversationsPerUser, "MaxConversationsPerUser"),
            (options.MaxTurnsPerConversation, "MaxTurnsPerConversation"),
            (options.MaxTurnBytes, "MaxTurnBytes"),
        })
        {
            if (value <= 0)
            {
                errors.Add($"Lumina:Memory:{setting} must be positive.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
