namespace Lumina.Abstractions.Memory;

/// <summary>Conversations per user, with ownership and bounded history.</summary>
public interface IConversationStore
{
    /// <summary>Appends turns to a conversation of the user, creating it when <paramref name="conversationId"/> is new.</summary>
    /// <returns>The conversation's header after the append.</returns>
    /// <exception cref="LuminaException">The conversation belongs to someone else (reported as not found), or a limit is reached.</exception>
    Task<ConversationInfo> AppendAsync(string userId, string conversationId, IReadOnlyList<ConversationTurn> turns, CancellationToken cancellationToken = default);

    /// <summary>The conversation with its most recent turns, or <see langword="null"/> when the user has none with that id.</summary>
    Task<Conversation?> GetConversationAsync(string userId, string conversationId, int maxTurns, CancellationToken cancellationToken = default);

    /// <summary>The user's conversations, most recently updated first.</summary>
    Task<IReadOnlyList<ConversationInfo>> ListConversationsAsync(string userId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes a conversation of the user with all its turns. Returns whether the user had one with that id.</summary>
    Task<bool> DeleteConversationAsync(string userId, string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Replaces the oldest turns up to <paramref name="count"/> with one summary turn (used when history grows too long).</summary>
    Task ReplaceOldestAsync(string userId, string conversationId, int count, ConversationTurn summary, CancellationToken cancellationToken = default);
}
