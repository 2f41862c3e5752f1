using System.Diagnostics;

namespace Lumina.Testing;

/// <summary>
/// Waits for a state something reaches on its own (a background writer, a host process, a reconnecting client): polls
/// often, gives up only after a generous bound, and returns whether the state was reached, for the test to assert with
/// its own reason. Not for proving that something does not happen: a wait cannot; synchronize on a later event instead.
/// </summary>
public static class Eventually
{
    /// <summary>Long enough for a loaded, shared machine; a test that passes never waits for it.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a condition is checked unless the caller says otherwise.</summary>
    public static TimeSpan DefaultInterval { get; } = TimeSpan.FromMilliseconds(20);

    /// <summary>True once <paramref name="condition"/> holds; false if it still does not after <paramref name="timeout"/>.</summary>
    public static Task<bool> WaitAsync(Func<bool> condition, TimeSpan? timeout = null) =>
        WaitAsync(() => Task.FromResult(condition()), timeout);

    /// <summary>
    /// True once <paramref name="condition"/> holds; false if it still does not after <paramref name="timeout"/>. A
    /// condition that sends something (a request, a write) may ask for a longer <paramref name="interval"/>.
    /// </summary>
    public static async Task<bool> WaitAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var bound = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (bound.Elapsed > (timeout ?? DefaultTimeout))
            {
                return false;
            }

            await Task.Delay(interval ?? DefaultInterval).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Repeats <paramref name="attempt"/> until it returns without throwing <typeparamref name="TException"/> (a store
    /// that heals by itself says so until it has); the last attempt's exception if it never does within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<T> SucceedsAsync<T, TException>(Func<Task<T>> attempt, TimeSpan? timeout = null)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var bound = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (TException) when (bound.Elapsed <= (timeout ?? DefaultTimeout))
            {
                await Task.Delay(DefaultInterval).ConfigureAwait(false);
            }
        }
    }
}
