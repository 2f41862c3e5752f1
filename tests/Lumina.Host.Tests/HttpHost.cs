using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Lumina.Host.Tests;

/// <summary>The real lumina process serving streamable HTTP on a free loopback port.</summary>
internal sealed partial class HttpHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _data;
    private readonly List<string> _stderr;
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _logWaiters = [];

    private HttpHost(Process process, TempDirectory data, Uri baseAddress, List<string> stderr)
    {
        _process = process;
        _data = data;
        BaseAddress = baseAddress;
        _stderr = stderr;
    }

    public Uri BaseAddress { get; }

    public Uri McpEndpoint => new(BaseAddress, "/mcp");

    public Process Process => _process;

    /// <summary>The host's own data directory (unless the arguments named another).</summary>
    public string DataDirectory => _data.Path;

    public static Task<HttpHost> StartAsync(params string[] arguments) => StartAsync(null, arguments);

    public static async Task<HttpHost> StartAsync(IDictionary<string, string>? environment, params string[] arguments)
    {
        var data = new TempDirectory();
        var process = LuminaProcess.Start(LuminaProcess.IsolatedArguments(data.Path, ["--http", "--urls", "http://127.0.0.1:0", .. arguments]), environment);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new List<string>();
        HttpHost? started = null;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("lumina exited before listening:\n" + string.Join('\n', lines)));
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
            }

            started?.OnLogLine(e.Data);

            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        var address = await listening.Task.WaitAsync(TimeSpan.FromMinutes(2));
        started = new HttpHost(process, data, address, lines);
        return started;
    }

    /// <summary>The host's log (stderr) so far.</summary>
    public IReadOnlyList<string> LogLines
    {
        get
        {
            lock (_stderr)
            {
                return [.. _stderr];
            }
        }
    }

    /// <summary>Completes with the first line of the host's log (stderr) that <paramref name="match"/> accepts.</summary>
    public Task<string> WaitForLogLineAsync(Func<string, bool> match)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_stderr)
        {
            if (_stderr.FirstOrDefault(match) is { } line)
            {
                found.SetResult(line);
            }
            else
            {
                _logWaiters.Add((match, found));
            }
        }

        return found.Task;
    }

    private void OnLogLine(string line)
    {
        lock (_stderr)
        {
            foreach (var waiter in _logWaiters.Where(w => w.Match(line)).ToList())
            {
                _logWaiters.Remove(waiter);
                waiter.Found.TrySetResult(line);
            }
        }
    }

    public async Task<int> StopAsync()
    {
        // SIGTERM, as a service manager would send: the host shuts down gracefully.
        Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _data.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
