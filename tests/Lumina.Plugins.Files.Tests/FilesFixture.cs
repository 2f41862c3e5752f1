using Lumina.Abstractions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lumina.Plugins.Files.Tests;

/// <summary>A real temporary root (and a folder outside it) with a files plugin confined to the root.</summary>
public sealed class FilesFixture : IDisposable
{
    public FilesFixture(Action<FilesOptions>? configure = null)
    {
        Root = Directory.CreateTempSubdirectory("lumina-root-").FullName;
        Outside = Directory.CreateTempSubdirectory("lumina-outside-").FullName;
        Options = new FilesOptions { Roots = [Root] };
        configure?.Invoke(Options);
        Plugin = new FilesPlugin(Options, Accessor, NullLogger<FilesPlugin>.Instance);
    }

    public string Root { get; }

    public string Outside { get; }

    public FilesOptions Options { get; }

    public LuminaCallContextAccessor Accessor { get; } = new();

    public FilesPlugin Plugin { get; }

    public string InRoot(params string[] parts) => Path.Combine([Root, .. parts]);

    public string Write(string relative, string content)
    {
        var path = InRoot(relative.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        Directory.Delete(Root, recursive: true);
        Directory.Delete(Outside, recursive: true);
    }
}

/// <summary>A call context whose client shares roots.</summary>
internal sealed class RootsContext(params string[] roots)
    : LuminaCallContext(LuminaCaller.InProcess, new LuminaClientInfo("test", "1", CanSample: false, CanElicit: false, CanListRoots: true))
{
    public override Task<IReadOnlyList<ClientRoot>> GetRootsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ClientRoot>>([.. roots.Select(r => new ClientRoot(new Uri(r).AbsoluteUri))]);
}
