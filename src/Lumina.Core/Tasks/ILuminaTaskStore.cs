namespace Lumina.Core.Tasks;

/// <summary>
/// Where tasks live, so that a task started on one host can be polled, answered and cancelled on another (SQLite for
/// one machine, Redis for several). A task is forgotten at its <see cref="LuminaTaskRecord.ExpiresAt"/>.
/// </summary>
public interface ILuminaTaskStore
{
    /// <summary>Stores a new task (version 1), durably: a <see cref="GetAsync"/> anywhere finds it once this returns.</summary>
    /// <exception cref="InvalidOperationException">A task with this id exists.</exception>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<LuminaTaskRecord> CreateAsync(LuminaTaskRecord task, CancellationToken cancellationToken = default);

    /// <summary>The task, or <see langword="null"/> when there is none of this id (or it has expired).</summary>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<LuminaTaskRecord?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the stored task with <paramref name="task"/> if its version is still <paramref name="task"/>'s
    /// <see cref="LuminaTaskRecord.Version"/>; the stored copy gets the next version.
    /// </summary>
    /// <returns>The stored task with its new version, or <see langword="null"/> when it changed (or expired) since it was read.</returns>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<LuminaTaskRecord?> TryReplaceAsync(LuminaTaskRecord task, CancellationToken cancellationToken = default);
}
