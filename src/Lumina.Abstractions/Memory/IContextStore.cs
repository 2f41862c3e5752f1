namespace Lumina.Abstractions.Memory;

/// <summary>Per-user context values (preferences, current project, …).</summary>
public interface IContextStore
{
    Task<ContextValue?> GetContextAsync(string userId, string key, CancellationToken cancellationToken = default);

    /// <exception cref="LuminaException">The value is too large or the user has too many keys.</exception>
    Task<ContextValue> SetContextAsync(string userId, string key, string value, CancellationToken cancellationToken = default);

    Task<bool> DeleteContextAsync(string userId, string key, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ContextValue>> ListContextAsync(string userId, CancellationToken cancellationToken = default);
}
