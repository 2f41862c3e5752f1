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
