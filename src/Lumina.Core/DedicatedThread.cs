namespace Lumina.Core;

/// <summary>Runs blocking work on a background thread of its own, outside the thread pool.</summary>
internal static class DedicatedThread
{
    /// <summary>
    /// Starts <paramref name="work"/> on a new background thread named <paramref name="name"/> (it never holds the
    /// process open) and returns a task that ends with it, faulted with whatever it threw.
    /// </summary>
    /// <remarks>For loops that block — on a pipe, on a disk sync — where a pool thread would be taken from other work.</remarks>
    public static Task Start(string name, Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                work();
                finished.TrySetResult();
            }
            catch (Exception ex)
            {
                finished.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return finished.Task;
    }
}
