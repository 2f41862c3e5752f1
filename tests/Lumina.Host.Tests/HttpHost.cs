using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Lumina.Host.Tests;

/// <summary>The real lumina process serving streamable HTTP on a free loopback port.</summary>
internal sealed partial class HttpHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _data;
    private readonly List<string> _stderr = [];

    private HttpHost(Process process, TempDirectory data, Uri baseAddress)
    {
        _process = process;
        _data = data;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Uri McpEndpoint => new(BaseAddress, "/mcp");

    public Process Process => _process;

    public static async Task<HttpHost> StartAsync(params string[] arguments)
    {
        var data = new TempDirectory();
        var process = LuminaProcess.Start(LuminaProcess.IsolatedArguments(data.Path, ["--http", "--urls", "http://127.0.0.1:0", .. arguments]));
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new List<string>();
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

            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        var address = await listening.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var host = new HttpHost(process, data, address);
        host._stderr.AddRange(lines);
        return host;
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
