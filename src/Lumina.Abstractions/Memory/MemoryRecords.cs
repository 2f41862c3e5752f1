namespace Lumina.Abstractions.Memory;

/// <summary>Something a user asked Lumina to remember.</summary>
/// <param name="Id">The fact's id (what <c>forget</c> takes).</param>
/// <param name="Text">The fact.</param>
/// <param name="Tags">Labels to group and find facts by.</param>
/// <param name="CreatedAt">When it was remembered.</param>
public sealed record MemoryFact(string Id, string Text, IReadOnlyList<string> Tags, DateTimeOffset CreatedAt);

/// <summary>A fact found by <see cref="IFactStore.RecallAsync"/>, with how well it matched (higher is better).</summary>
public sealed record RecalledFact(MemoryFact Fact, double Score);

/// <summary>A per-user context value.</summary>
public sealed record ContextValue(string Key, string Value, DateTimeOffset UpdatedAt);

/// <summary>Who spoke a turn of a conversation.</summary>
public enum TurnRole
{
    User,
    Assistant,
    System,
    Tool,
}

/// <summary>One turn of a conversation.</summary>
/// <param name="Role">Who spoke.</param>
/// <param name="Content">What was said (for a tool turn, the call or its result).</param>
/// <param name="At">When.</param>
/// <param name="ToolCallId">For tool calls and their results: the id that pairs them, so trimming never separates them.</param>
public sealed record ConversationTurn(TurnRole Role, string Content, DateTimeOffset At, string? ToolCallId = null);

/// <summary>A conversation's header.</summary>
public sealed record ConversationInfo(string Id, string Title, int TurnCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A conversation with its turns, oldest first.</summary>
public sealed record Conversation(ConversationInfo Info, IReadOnlyList<ConversationTurn> Turns);

/// <summary>A conversation's recent turns (or <see langword="null"/> when it is new) and the facts relevant to a request.</summary>
public sealed record MemoryRecall(Conversation? Conversation, IReadOnlyList<RecalledFact> Facts);
