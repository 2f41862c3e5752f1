using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Plugins.Exec;

// The sandbox is bubblewrap: these tests run on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Lumina.Plugins.Exec.Tests;

/// <summary>
/// A host's surroundings for the sandbox corpus: an allowed root holding the data directory, a folder outside every
/// root, canaries planted in both and in the environment, and a listener on every address counting connections.
/// </summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public const string Canary = "lumina-canary-7f3a9c";

    private readonly TcpListener _listener = new(IPAddress.IPv6Any, 0);
    private readonly CancellationTokenSource _stop = new();
    private int _accepted;

    public SandboxFixture()
    {
        Base = Path.Combine(Path.GetTempPath(), "lumina-exec-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Root = Path.Combine(Base, "root");
        Data = Path.Combine(Root, "data");
        Outside = Path.Combine(Base, "outside");
        Scratch = Path.Combine(Base, "runs");
        Directory.CreateDirectory(Data);
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Root, "notes.txt"), "hello from the root\n");
        File.WriteAllText(Path.Combine(Data, "secret.txt"), Canary + " data directory\n");
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), Canary + " outside\n");
        if (!OperatingSystem.IsWindows())
        {
            foreach (var dir in new[] { Base, Root, Data, Outside })
            {
                File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
            }
        }

        // What a host's environment holds and a run must never see.
        Environment.SetEnvironmentVariable("OPENAI_API_KEY", "sk-" + Canary);
        Environment.SetEnvironmentVariable("Lumina__Auth__SigningKey", Canary);
        Environment.SetEnvironmentVariable("LUMINA_CANARY", Canary);
        _listener.Server.DualMode = true;
    }

    public string Base { get; }

    public string Root { get; }

    public string Data { get; }

    public string Outside { get; }

    public string Scratch { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref _accepted);

    public string HostAddress { get; } = NetworkInterface.GetAllNetworkInterfaces()
        .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
        .SelectMany(n => n.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)?.ToString() ?? "127.0.0.1";

    public ExecOptions Options(Action<ExecOptions>? change = null)
    {
        var options = new ExecOptions
        {
            Roots = [Root],
            ScratchDirectory = Scratch,
            OutputBytes = 16 * 1024,
            MaxOutputBytes = 1024 * 1024,
            Timeout = TimeSpan.FromSeconds(15),
            Limits = new ExecLimits { Processes = 32, FileSizeMb = 8, OpenFiles = 64, CpuSeconds = 20 },
        };
        change?.Invoke(options);
        ExecOptions.Validate(options).Should().BeEmpty();
        return options;
    }

    public ExecPlugin Plugin(ExecOptions options, TimeProvider? time = null)
    {
        var probe = SandboxProbe.Run(options);
        probe.Available.Should().BeTrue($"the sandbox must work on the test machine (test.sh installs bubblewrap): {probe.Reason}");
        return new ExecPlugin(options, probe, new LuminaCallContextAccessor(), new HostPaths(Data), new NoTools(), time ?? TimeProvider.System);
    }

    /// <summary>Whether a process whose command line holds <paramref name="marker"/> is running on the host.</summary>
    public static bool Running(string marker)
    {
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(proc), out _) && File.ReadAllText(Path.Combine(proc, "cmdline")).Contains(marker, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return false;
    }

    public Task InitializeAsync()
    {
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _accepted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception ex) when (ex is SocketException or InvalidOperationException)
                {
                    // Stopped; InvalidOperationException when the listener was stopped before this accept began.
                    return;
                }
            }
        });
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
        try
        {
            Directory.Delete(Base, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    private sealed class HostPaths(params string[] folders) : ILuminaHostPaths
    {
        public IReadOnlyList<string> ProtectedFolders { get; } = folders;
    }

    /// <summary>No tools: the sandbox tests run programs, not scripts.</summary>
    private sealed class NoTools : ILuminaTools
    {
        public IReadOnlyList<LuminaToolInfo> List(IEnumerable<string>? excludedPlugins = null) => [];

        public Task<JsonElement> CallAsync(string name, JsonElement arguments, IEnumerable<string>? excludedPlugins = null, CancellationToken cancellationToken = default) =>
            throw new LuminaRefusalException($"there is no tool named '{name}'.");
    }
}
