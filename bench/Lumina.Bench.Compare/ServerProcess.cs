using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lumina.Bench.Compare;

/// <summary>One running server process: started, watched (RSS, exit, the tail of its stderr) and stopped.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Tail _stderr = new();
    private readonly Task _stderrPump;
    private readonly Task? _stdoutPump;

    private ServerProcess(ServerSpec spec, Process process, bool stdio)
    {
        Spec = spec;
        _process = process;
        Stdio = stdio;
        _stderrPump = process.StandardError.BaseStream.CopyToAsync(_stderr);
        // Over HTTP stdout is only a log (the TypeScript server logs every POST there): drained so it never blocks.
        _stdoutPump = stdio ? null : process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
    }

    public ServerSpec Spec { get; }

    public bool Stdio { get; }

    public int Pid => _process.Id;

    public int Port { get; private init; }

    public Uri? Endpoint => Port == 0 ? null : new Uri($"http://127.0.0.1:{Port}/mcp");

    /// <summary>The bearer token every HTTP request carries, when the server is started with one (Lumina by default).</summary>
    public string? AccessToken { get; private set; }

    public StreamWriter Input => _process.StandardInput;

    public StreamReader Output => _process.StandardOutput;

    public bool HasExited => _process.HasExited;

    public string StderrTail => _stderr.ToString();

    public static ServerProcess StartStdio(ServerSpec spec) =>
        new(spec, Start(spec, [.. spec.Arguments, .. spec.StdioArguments ?? throw new InvalidOperationException(spec.Name + " has no stdio mode")], spec.Environment), stdio: true);

    public static async Task<ServerProcess> StartHttpAsync(ServerSpec spec, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var environment = new Dictionary<string, string>(spec.Environment);
        foreach (var (key, value) in spec.HttpEnvironment?.Invoke(port) ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var token = spec.BearerToken ? new BearerToken() : null;
        if (token is not null)
        {
            await token.AddUserAsync(spec, cancellationToken);
        }

        var server = new ServerProcess(spec, Start(spec, [.. spec.Arguments, .. spec.HttpArguments(port)], environment), stdio: false) { Port = port };
        try
        {
            await server.WaitListeningAsync(TimeSpan.FromSeconds(60), cancellationToken);
            if (token is not null)
            {
                server.AccessToken = await token.RequestAsync(spec, port, cancellationToken);
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Resident memory (VmRSS) in MiB.</summary>
    public double RssMiB()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kb / 1024.0;
            }
        }

        throw new BenchFailure($"{Spec.Name}: no VmRSS in /proc/{_process.Id}/status");
    }

    public BenchFailure Failure(string what) =>
        new($"{Spec.Name} ({(Stdio ? "stdio" : "HTTP")}): {what}{(HasExited ? $" (exited with {_process.ExitCode})" : "")}\n  stderr tail: {StderrTail}");

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                if (Stdio)
                {
                    // A stdio server stops when its client closes stdin.
                    try
                    {
                        _process.StandardInput.Close();
                    }
                    catch (IOException)
                    {
                        // It is already gone.
                    }
                }
                else
                {
                    using var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
                    await (term?.WaitForExitAsync() ?? Task.CompletedTask);
                }

                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }

            await Task.WhenAny(Task.WhenAll(_stderrPump, _stdoutPump ?? Task.CompletedTask), Task.Delay(TimeSpan.FromSeconds(2)));
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static Process Start(ServerSpec spec, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(spec.FileName, arguments)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        // The same start-up for every .NET server: no inherited URLs or environment names that would change it.
        foreach (var name in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "PORT" })
        {
            info.Environment.Remove(name);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        try
        {
            return Process.Start(info) ?? throw new BenchFailure($"{spec.Name}: {spec.FileName} did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new BenchFailure($"{spec.Name}: cannot run {spec.FileName}: {ex.Message}", ex);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitListeningAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw Failure("exited before listening");
            }

            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        throw Failure($"not listening on 127.0.0.1:{Port} after {limit.TotalSeconds:0} s");
    }

    /// <summary>Keeps the last few KiB written to it: enough to say why a server failed.</summary>
    private sealed class Tail : Stream
    {
        private const int Capacity = 4096;
        private readonly Lock _gate = new();
        private readonly Queue<byte> _bytes = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_gate)
            {
                for (var i = offset; i < offset + count; i++)
                {
                    _bytes.Enqueue(buffer[i]);
                    if (_bytes.Count > Capacity)
                    {
                        _bytes.Dequeue();
                    }
                }
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return Encoding.UTF8.GetString([.. _bytes]).Trim();
            }
        }
    }
}
