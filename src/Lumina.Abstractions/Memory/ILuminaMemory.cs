namespace Lumina.Abstractions.Memory;

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
