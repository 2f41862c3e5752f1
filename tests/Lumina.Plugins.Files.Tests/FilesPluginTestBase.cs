namespace Lumina.Plugins.Files.Tests;

/// <summary>
/// Shared setup for the files plugin's function tests: a sandbox with a root and a folder outside it, and the plugin
/// with small caps (64 bytes read, 128 written, 3 search results, 4 list entries, 256-byte files searched).
/// </summary>
public abstract class FilesPluginTestBase : IDisposable
{
    private protected readonly FilesFixture _files = new(o =>
    {
        o.MaxReadBytes = 64;
        o.MaxWriteBytes = 128;
        o.MaxSearchResults = 3;
        o.MaxListEntries = 4;
        o.MaxSearchFileBytes = 256;
    });

    private protected FilesPlugin Plugin => _files.Plugin;

    public void Dispose()
    {
        _files.Dispose();
        GC.SuppressFinalize(this);
    }
}
