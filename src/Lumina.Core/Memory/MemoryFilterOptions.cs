namespace Lumina.Core.Memory;

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
