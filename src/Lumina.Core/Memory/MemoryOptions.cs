namespace Lumina.Core.Memory;

/// <summary>How much each user may keep in memory, bound from <c>Lumina:Memory</c>.</summary>
public sealed class MemoryOptions
{
    public const string SectionName = "Lumina:Memory";

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
}
