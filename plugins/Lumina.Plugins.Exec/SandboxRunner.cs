using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Lumina.Plugins.Exec;

/// <summary>
/// Runs one program in the sandbox <see cref="SandboxCommand"/> builds: feeds it stdin, reads its output within the
/// caps, and stops the whole run — every process in its PID namespace — at the timeout, when its output passes the
/// budget, or when the call is cancelled.
/// </summary>
internal sealed class SandboxRunner(ExecOptions options, SandboxProbe probe) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentRuns, options.MaxConcurrentRuns);

    public void Dispose() => _slots.Dispose();

    /// <summary>Runs <paramref name="program"/> (as seen inside the sandbox) in <paramref name="run"/>.</summary>
    public async Task<ExecResult> RunAsync(
        RunDirectory run,
        string language,
        IReadOnlyList<string> program,
        string? stdin,
        TimeSpan timeout,
        IReadOnlyList<string> roots,
        IReadOnlyList<string> protectedFolders,
        CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunOneAsync(SandboxCommand.Create(options, probe, run, roots, protectedFolders, program), language, stdin, timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<ExecResult> RunOneAsync(ProcessStartInfo start, string language, string? stdin, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = start };
        var clock = Stopwatch.StartNew();
        try
        {
            await ProcessSpawner.StartAsync(process).ConfigureAwait(false);
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"The sandbox could not be started ({start.FileName}): {ex.Message}", ex);
        }

        string? stopped = null;
        void Stop(string reason)
        {
            if (Interlocked.CompareExchange(ref stopped, reason, null) is null)
            {
                Kill(process);
            }
        }

        var budget = new OutputBudget(options.MaxOutputBytes, () => Stop("output_limit"));
        var stdout = CappedOutput.ReadAsync(process.StandardOutput.BaseStream, options.OutputBytes, budget);
        var stderr = CappedOutput.ReadAsync(process.StandardError.BaseStream, options.OutputBytes, budget);
        var input = WriteInputAsync(process, stdin);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using (deadline.Token.Register(() => Stop(cancellationToken.IsCancellationRequested ? "cancelled" : "timeout")))
        {
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        // The outer bwrap has exited, so its PID namespace (and every process in it) is gone and the pipes close;
        // a bounded wait all the same, so nothing can hold the call open.
        var streams = Task.WhenAll(stdout, stderr, input);
        if (await Task.WhenAny(streams, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false) != streams)
        {
            Kill(process);
        }

        clock.Stop();
        using var output = await stdout.ConfigureAwait(false);
        using var error = await stderr.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return new ExecResult(language, process.ExitCode, output.Text("stdout"), error.Text("stderr"), clock.ElapsedMilliseconds, stopped)
        {
            StdoutTruncated = output.Truncated,
            StderrTruncated = error.Truncated,
        };
    }

    private static async Task WriteInputAsync(Process process, string? stdin)
    {
        try
        {
            if (!string.IsNullOrEmpty(stdin))
            {
                var bytes = Encoding.UTF8.GetBytes(stdin);
                await process.StandardInput.BaseStream.WriteAsync(bytes).ConfigureAwait(false);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program exited (or closed stdin) before reading all of it: a broken pipe is its answer.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Kills bwrap and everything under it; its PID namespace's init dying takes every process of the run with it.</summary>
    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Exited while the tree was walked.
        }
    }
}
