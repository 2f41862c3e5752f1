using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Lumina.Core.Memory;

/// <summary>Where memory lives and how much each user may keep, bound from <c>Lumina:Memory</c>.</summary>
public sealed partial class MemoryOptions
{
    public const string SectionName = "Lumina:Memory";

    /// <summary>The setting that names where every store lives.</summary>
    public const string StoreSetting = "Lumina:Store";

    /// <summary>The older name of <see cref="StoreSetting"/>, still read.</summary>
    public const string LegacyStoreSetting = "Lumina:Memory:Store";

    /// <summary>
    /// <c>sqlite</c> (embedded files under the data directory) or <c>redis</c> (shared by several hosts; needs
    /// <c>ConnectionStrings:redis</c>): where every store lives, set by <c>Lumina:Store</c> (or its older name
    /// <c>Lumina:Memory:Store</c>).
    /// </summary>
    /// <value>The default value is <c>sqlite</c>.</value>
    public string Store { get; set; } = "sqlite";

    /// <summary>The prefix of every Redis key Lumina writes.</summary>
    /// <value>The default value is <c>lumina</c>.</value>
    public string KeyPrefix { get; set; } = "lumina";

    /// <summary>How many facts one user may keep.</summary>
    /// <value>The default value is 10000.</value>
    public int MaxFactsPerUser { get; set; } = 10_000;

    /// <summary>The largest fact, in UTF-8 bytes.</summary>
    /// <value>The default value is 8192.</value>
    public int MaxFactBytes { get; set; } = 8 * 1024;

    /// <summary>How many context keys one user may keep.</summary>
    /// <value>The default value is 256.</value>
    public int MaxContextKeys { get; set; } = 256;

    /// <summary>The largest context value, in UTF-8 bytes.</summary>
    /// <value>The default value is 16384.</value>
    public int MaxValueBytes { get; set; } = 16 * 1024;

    /// <summary>How many conversations one user may keep.</summary>
    /// <value>The default value is 1000.</value>
    public int MaxConversationsPerUser { get; set; } = 1000;

    /// <summary>How many turns a conversation keeps; older ones are dropped (or summarised by the memory filter first).</summary>
    /// <value>The default value is 200.</value>
    public int MaxTurnsPerConversation { get; set; } = 200;

    /// <summary>The largest turn, in UTF-8 bytes.</summary>
    /// <value>The default value is 65536.</value>
    public int MaxTurnBytes { get; set; } = 64 * 1024;

    /// <summary>How the memory filter feeds prompt functions.</summary>
    public MemoryFilterOptions Filter { get; set; } = new();

    /// <summary>The setting the store was named by, for error messages.</summary>
    internal static string StoreSettingIn(IConfiguration configuration) =>
        configuration[StoreSetting] is { Length: > 0 } ? StoreSetting : LegacyStoreSetting;

    /// <summary>Takes <c>Lumina:Store</c> over the older <c>Lumina:Memory:Store</c>, and warns when only the older one is set.</summary>
    internal static void ApplyStoreSwitch(MemoryOptions options, IConfiguration configuration, ILoggerFactory loggers)
    {
        if (configuration[StoreSetting] is { Length: > 0 } store)
        {
            options.Store = store;
        }
        else if (configuration[LegacyStoreSetting] is { Length: > 0 })
        {
            LogDeprecatedStoreSetting(loggers.CreateLogger("Lumina.Configuration"), LegacyStoreSetting, StoreSetting);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Legacy} is deprecated: set {Setting} instead (it names the store of every service, not only memory).")]
    private static partial void LogDeprecatedStoreSetting(ILogger logger, string legacy, string setting);

    internal bool UsesRedis => string.Equals(Store, "redis", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Settings of <c>Lumina:Memory:Filter</c>: what the memory filter adds to a prompt function's request.</summary>
public sealed class MemoryFilterOptions
{
    /// <summary>Whether prompt functions get earlier turns and relevant facts, and their exchanges are stored.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>How many earlier turns go into a request.</summary>
    /// <value>The default value is 20.</value>
    public int HistoryTurns { get; set; } = 20;

    /// <summary>How many of the most relevant facts go into a request.</summary>
    /// <value>The default value is 3.</value>
    public int RelevantFacts { get; set; } = 3;

    /// <summary>Past this many turns, the oldest are summarised (or dropped when no model can summarise).</summary>
    /// <value>The default value is 60.</value>
    public int SummarizeAfterTurns { get; set; } = 60;

    /// <summary>How many recent turns a summary leaves as they are.</summary>
    /// <value>The default value is 20.</value>
    public int KeepRecentTurns { get; set; } = 20;
}
