namespace Lumina.Core.Tasks;

/// <summary>Changes a task whatever else changes it at the same time.</summary>
public static class LuminaTaskStoreExtensions
{
    /// <summary>
    /// Applies <paramref name="change"/> to the stored task until it lands on the version it was computed from (or
    /// <paramref name="change"/> declines by returning <see langword="null"/> or the same record).
    /// </summary>
    /// <returns>The task as stored afterwards, or <see langword="null"/> when there is none of this id.</returns>
    public static async Task<LuminaTaskRecord?> UpdateAsync(this ILuminaTaskStore store, string id, Func<LuminaTaskRecord, LuminaTaskRecord?> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(change);
        while (true)
        {
            if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } current)
            {
                return null;
            }

            if (change(current) is not { } changed || changed == current)
            {
                return current;
            }

            if (await store.TryReplaceAsync(changed with { Version = current.Version }, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                return stored;
            }
        }
    }
}
