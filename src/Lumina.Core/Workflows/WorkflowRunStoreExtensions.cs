namespace Lumina.Core.Workflows;

/// <summary>Read-change-write on <see cref="IWorkflowRunStore"/>, retried until it lands.</summary>
public static class WorkflowRunStoreExtensions
{
    /// <summary>
    /// Applies <paramref name="change"/> to the stored run until the replacement lands (another host may change it in
    /// between); <paramref name="change"/> returns null (or the run unchanged) to leave it as it is.
    /// </summary>
    /// <returns>The stored run after the change, or null when there is no such run.</returns>
    public static async Task<WorkflowRunRecord?> UpdateAsync(this IWorkflowRunStore store, string id, Func<WorkflowRunRecord, WorkflowRunRecord?> change, CancellationToken cancellationToken = default)
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
