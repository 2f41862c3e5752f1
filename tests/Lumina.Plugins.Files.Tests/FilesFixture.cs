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
        Options = new FilesOptions { Roots = [Root] };
        configure?.Invoke(Options);
        Plugin = new FilesPlugin(Options, Accessor, NullLogger<FilesPlugin>.Instance);
    }

    public string Sandbox { get; }

    public string Root { get; }

    public string Outside { get; }

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
        new(new FilesOptions(), Accessor, NullLogger<FilesPlugin>.Instance);

    public void Dispose()
    {
        // Recursive delete removes links without following them.
        if (Directory.Exists(Sandbox))
        {
            Directory.Delete(Sandbox, recursive: true);
        }
    }
}

/// <summary>A call context whose client shares <c>file://</c> roots (and any other URIs given) and records progress.</summary>
internal sealed class TestCallContext(params string[] roots)
    : LuminaCallContext(LuminaCaller.InProcess, new LuminaClientInfo("test", "1", CanSample: false, CanElicit: false, CanListRoots: true))
{
    public ConcurrentQueue<(double Progress, double? Total, string? Message)> Progress { get; } = new();

    public override Task<IReadOnlyList<ClientRoot>> GetRootsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ClientRoot>>([.. roots.Select(r => new ClientRoot(Path.IsPathFullyQualified(r) ? new Uri(r).AbsoluteUri : r))]);

    public override ValueTask ReportProgressAsync(double progress, double? total = null, string? message = null, CancellationToken cancellationToken = default)
    {
        Progress.Enqueue((progress, total, message));
        return ValueTask.CompletedTask;
    }
}
