using Microsoft.Extensions.Options;

namespace Lumina.Host;

/// <summary>
/// <c>Lumina:Store</c> = <c>sqlite</c> (the default: files in the data directory) | <c>redis</c> (every store shared by
/// hosts): the one place the switch is read. <c>Lumina:Memory:Store</c>, its older name, still works.
/// </summary>
/// <param name="Name">The store named: <c>sqlite</c> or <c>redis</c>.</param>
/// <param name="Setting">The setting that named it, for messages.</param>
internal sealed record LuminaStoreSwitch(string Name, string Setting)
{
    /// <summary>The setting that names where every store lives.</summary>
    public const string StoreSetting = "Lumina:Store";

    /// <summary>The older name of <see cref="StoreSetting"/>, still read.</summary>
    public const string LegacyStoreSetting = "Lumina:Memory:Store";

    /// <summary>Whether every store lives in Redis.</summary>
    public bool UsesRedis => Name == "redis";

    /// <summary>Whether the store was named by the older setting only.</summary>
    public bool Deprecated => Setting == LegacyStoreSetting;

    /// <summary>Reads the switch, refusing a store Lumina does not have and Redis without a server to reach.</summary>
    /// <exception cref="OptionsValidationException">The message names the setting.</exception>
    public static LuminaStoreSwitch Read(IConfiguration configuration)
    {
        var chosen = configuration[StoreSetting] is { Length: > 0 } store
            ? new LuminaStoreSwitch(store, StoreSetting)
            : configuration[LegacyStoreSetting] is { Length: > 0 } legacy
                ? new LuminaStoreSwitch(legacy, LegacyStoreSetting)
                : new LuminaStoreSwitch("sqlite", StoreSetting);
        string? error = chosen.Name switch
        {
            "sqlite" => null,
            "redis" when string.IsNullOrWhiteSpace(configuration.GetConnectionString("redis")) =>
                $"{chosen.Setting} is 'redis' but ConnectionStrings:redis is not set (environment: ConnectionStrings__redis=localhost:6379).",
            "redis" => null,
            _ => $"{chosen.Setting} must be 'sqlite' or 'redis', not '{chosen.Name}'.",
        };
        return error is null ? chosen : throw new OptionsValidationException(chosen.Setting, typeof(LuminaStoreSwitch), [error]);
    }
}
