using System.Collections.Concurrent;
using System.Diagnostics;

namespace Lumina.Plugins.Exec;

/// <summary>
/// Starts the sandbox's processes from one thread that lives as long as the host.
/// </summary>
/// <remarks>
/// bwrap's <c>--die-with-parent</c> is <c>PR_SET_PDEATHSIG</c>, which Linux fires when the parent <em>thread</em>
/// exits, not the parent process. Started from a thread-pool thread, a run is SIGKILLed whenever the pool retires that
/// thread (measured here: runs killed within milliseconds while other tests loaded the pool). Started from this
/// thread, a run dies with the host and only with the host.
/// </remarks>
internal static class ProcessSpawner
{
    private static readonly BlockingCollection<(Process Process, TaskCompletionSource Started)> s_queue = [];

    static ProcessSpawner()
    {
        var thread = new Thread(Spawn) { IsBackground = true, Name = "Lumina exec spawner" };
        thread.Start();
    }

    /// <summary>Starts <paramref name="process"/> on the spawner thread.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The program could not be started.</exception>
    public static Task StartAsync(Process process)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        s_queue.Add((process, started));
        return started.Task;
    }

    private static void Spawn()
    {
        foreach (var (process, started) in s_queue.GetConsumingEnumerable())
        {
            try
            {
                process.Start();
                started.TrySetResult();
            }
            catch (Exception ex)
            {
                started.TrySetException(ex);
            }
        }
    }
}
