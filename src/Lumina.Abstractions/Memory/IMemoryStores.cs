namespace Lumina.Abstractions.Memory;

/// <summary>Facts per user: remember, recall by relevance, forget.</summary>
/// <remarks>Every operation is scoped to <c>userId</c>: one user never sees or changes another's facts.</remarks>
public interface IFactStore
{
    /// <summary>Stores a fact and returns it with its new id.</summary>
    /// <exception cref="LuminaException">The user's fact limit or the size limit is reached.</exception>
    Task<MemoryFact> RememberAsync(string userId, string text, IReadOnlyList<string> tags, CancellationToken cancellationToken = default);

    /// <summary>The facts most relevant to <paramref name="query"/>, best first; with tags, only facts carrying all of them.</summary>
    Task<IReadOnlyList<RecalledFact>> RecallAsync(string userId, string query, int limit, IReadOnlyList<string>? tags = null, CancellationToken cancellationToken = default);

    /// <summary>Forgets one fact. Returns whether it existed (for this user).</summary>
    Task<bool> ForgetAsync(string userId, string factId, CancellationToken cancellationToken = default);

    /// <summary>The user's facts, newest first.</summary>
    Task<IReadOnlyList<MemoryFact>> ListFactsAsync(string userId, int limit, CancellationToken cancellationToken = default);
}

/// <summary>Per-user context values (preferences, current project, …).</summary>
public interface IContextStore
{
    Task<ContextValue?> GetContextAsync(string userId, string key, CancellationToken cancellationToken = default);

    /// <exception cref="LuminaException">The value is too large or the user has too many keys.</exception>
    Task<ContextValue> SetContextAsync(string userId, string key, string value, CancellationToken cancellationToken = default);

    Task<bool> DeleteContextAsync(string userId, string key, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ContextValue>> ListContextAsync(string userId, CancellationToken cancellationToken = default);
}

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

    /// <summary>Replaces the oldest turns up to <paramref name="count"/> with one summary turn (used when history grows too long).</summary>
    Task ReplaceOldestAsync(string userId, string conversationId, int count, ConversationTurn summary, CancellationToken cancellationToken = default);
}

/// <summary>Everything Lumina remembers about users, and the right to erasure.</summary>
public interface ILuminaMemory : IFactStore, IContextStore, IConversationStore
{
    /// <summary>
    /// What a prompt needs from memory in one go: the conversation's recent turns and the facts most relevant to
    /// <paramref name="query"/>. A shared store answers it in a single round trip.
    /// </summary>
    async Task<MemoryRecall> LoadAsync(string userId, string conversationId, int maxTurns, string query, int factLimit, CancellationToken cancellationToken = default) =>
        new(
            await GetConversationAsync(userId, conversationId, maxTurns, cancellationToken).ConfigureAwait(false),
            await RecallAsync(userId, query, factLimit, cancellationToken: cancellationToken).ConfigureAwait(false));

    /// <summary>Erases everything stored for the user: facts, context values and conversations.</summary>
    /// <returns>How many items were erased.</returns>
    Task<int> ForgetAllAsync(string userId, CancellationToken cancellationToken = default);
}
