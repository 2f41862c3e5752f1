namespace Lumina.Abstractions.Memory;

/// <summary>A conversation with its turns, oldest first.</summary>
public sealed record Conversation(ConversationInfo Info, IReadOnlyList<ConversationTurn> Turns);
