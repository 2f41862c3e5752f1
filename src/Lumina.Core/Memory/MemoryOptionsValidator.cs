using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Lumina.Core.Memory;

/// <summary>Checks <c>Lumina:Memory</c> at start.</summary>
internal sealed class MemoryOptionsValidator(IConfiguration configuration) : IValidateOptions<MemoryOptions>
{
    public ValidateOptionsResult Validate(string? name, MemoryOptions options)
    {
        var errors = new List<string>();
        var store = MemoryOptions.StoreSettingIn(configuration);
        if (options.Store is not ("sqlite" or "redis"))
        {
            errors.Add($"{store} must be 'sqlite' or 'redis', not '{options.Store}'.");
        }

        if (options.UsesRedis && string.IsNullOrWhiteSpace(configuration.GetConnectionString("redis")))
        {
            errors.Add($"{store} is 'redis' but ConnectionStrings:redis is not set (environment: ConnectionStrings__redis=localhost:6379).");
        }

        if (string.IsNullOrWhiteSpace(options.KeyPrefix) || options.KeyPrefix.Contains('{', StringComparison.Ordinal))
        {
            errors.Add("Lumina:Memory:KeyPrefix must be a non-empty string without '{'.");
        }

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
