using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Lumina.Storage.Redis;

/// <summary>Checks <c>Lumina:Redis</c> and the connection string at start.</summary>
internal sealed class RedisStoreOptionsValidator(IConfiguration configuration) : IValidateOptions<RedisStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisStoreOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("redis")))
        {
            errors.Add("ConnectionStrings:redis is not set: the Redis store needs it (environment: ConnectionStrings__redis=localhost:6379).");
        }

        if (string.IsNullOrWhiteSpace(options.KeyPrefix) || options.KeyPrefix.Contains('{', StringComparison.Ordinal))
        {
            var setting = configuration[$"{RedisStoreOptions.SectionName}:KeyPrefix"] is null && configuration[RedisStoreOptions.LegacyKeyPrefixSetting] is not null
                ? RedisStoreOptions.LegacyKeyPrefixSetting
                : $"{RedisStoreOptions.SectionName}:KeyPrefix";
            errors.Add($"{setting} must be a non-empty string without '{{'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
