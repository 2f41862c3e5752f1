namespace Lumina.Storage.Redis;

/// <summary>Settings of <c>Lumina:Redis</c>: how the stores name what they keep in the Redis server.</summary>
public sealed class RedisStoreOptions
{
    public const string SectionName = "Lumina:Redis";

    /// <summary>The older place of <see cref="KeyPrefix"/>, still read when <c>Lumina:Redis:KeyPrefix</c> is not set.</summary>
    public const string LegacyKeyPrefixSetting = "Lumina:Memory:KeyPrefix";

    /// <summary>The prefix of every Redis key Lumina writes, so several deployments can share one server.</summary>
    /// <value>The default value is <c>lumina</c>.</value>
    public string KeyPrefix { get; set; } = "lumina";
}
