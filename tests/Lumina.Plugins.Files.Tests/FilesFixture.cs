using System.Collections.Concurrent;
using Lumina.Abstractions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lumina.Plugins.Files.Tests;

/// <summary>A real temporary root (and a folder outside it) with a files plugin confined to the root.</summary>
/// <remarks>
/// Both folders sit in a private sandbox folder: the escape tests aim at the root's parent (<c>..</c>, links to
/// <c>../..</c>, deletes of <c>..</c>), so if a guard ever broke, what they reach is the sandbox, never the machine's
/// temporary folder.
/// </remarks>
public sealed class FilesFixture : IDisposable
{
    public FilesFixture(Action<FilesOptions>? configure = null)
    {
        Sandbox = Directory.CreateTempSubdirectory("lumina-files-tests-").FullName;
        Root = Directory.CreateDirectory(Path.Combine(Sandbox, "root")).FullName;
        Outside = Directory.CreateDirectory(Path.Combine(Sandbox, "outside")).FullName;
        Data = Directory.CreateDirectory(Path.Combine(Root, "lumina-data")).FullName;
        HostPaths = new TestHostPaths(Data, AppContext.BaseDirectory);
        Options = new FilesOptions { Roots = [Root] };
        configure?.Invoke(Options);
        Plugin = new FilesPlugin(Options, HostPaths, Accessor, NullLogger<FilesPlugin>.Instance);
    }

    public string Sandbox { get; }

    public string Root { get; }

    public string Outside { get; }

    /// <summary>A folder inside the root standing for the host's data directory: protected, so never reachable.</summary>
    public string Data { get; }

    public TestHostPaths HostPaths { get; }

    public FilesOptions Options { get; }

    public LuminaCallContextAccessor Accessor { get; } = new();

    public FilesPlugin Plugin { get; }

    public string InRoot(params string[] parts) => Path.Combine([Root, .. parts]);

    public string InOutside(params string[] parts) => Path.Combine([Outside, .. parts]);

    public string Write(string relative, string content)
    {
        var path = InRoot(relative.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteOutside(string name, string content)
    {
        var path = InOutside(name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A plugin with no configured roots, sharing this fixture's accessor.</summary>
    public FilesPlugin PluginWithoutConfiguredRoots() =>
        new(new FilesOptions(), HostPaths, Accessor, NullLogger<FilesPlugin>.Instance);

    public void Dispose()
    {
        // Recursive delete removes links without following them.
        if (Directory.Exists(Sandbox))
        {
            Directory.Delete(Sandbox, recursive: true);
        }
    }
}

/// <summary>The host's protected folders, as given.</summary>
public sealed class TestHostPaths(params string[] folders) : ILuminaHostPaths
{
    public IReadOnlyList<string> ProtectedFolders { get; } = folders;
}

/// <summary>
/// A call context whose client shares <c>file://</c> roots (and any other URIs given) and records progress. The
/// caller is the local user over stdio (whose client roots widen) unless another is given.
/// </summary>
internal sealed class TestCallContext(LuminaCaller caller, params string[] roots)
    : LuminaCallContext(caller, new LuminaClientInfo("test", "1", CanSample: false, CanElicit: false, CanListRoots: true))
{
    public static readonly LuminaCaller Stdio = new("local", "local", "user", LuminaTransport.Stdio, IsAuthenticated: false);

    public static readonly LuminaCaller Http = new("guest-id", "guest", "guest", LuminaTransport.Http, IsAuthenticated: true);

    public TestCallContext(params string[] roots)
        : this(Stdio, roots)
    {
    }

    public ConcurrentQueue<(double Progress, double? Total, string? Message)> Progress { get; } = new();

    public override Task<IReadOnlyList<ClientRoot>> GetRootsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ClientRoot>>([.. roots.Select(r => new ClientRoot(Path.IsPathFullyQualified(r) ? new Uri(r).AbsoluteUri : r))]);

    public override ValueTask ReportProgressAsync(double progress, double? total = null, string? message = null, CancellationToken cancellationToken = default)
    {
        Progress.Enqueue((progress, total, message));
        return ValueTask.CompletedTask;
    }
}
