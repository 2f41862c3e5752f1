using Lumina.Abstractions;
using Lumina.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Lumina.Core;

/// <summary>
/// The host's own folders, closed to every plugin: the program's directory, the data directory, and the folders
/// plugins and prompts are loaded from (writing there would change what the host runs). Relative folders resolve
/// against the working directory, as the stores and loaders open them.
/// </summary>
internal sealed class LuminaHostPaths(IOptions<LuminaOptions> options) : ILuminaHostPaths
{
    private readonly Lazy<IReadOnlyList<string>> _protected = new(() => Collect(options.Value));

    /// <inheritdoc />
    public IReadOnlyList<string> ProtectedFolders => _protected.Value;

    private static string[] Collect(LuminaOptions options)
    {
        IEnumerable<string?> folders = [AppContext.BaseDirectory, options.DataDirectory, .. options.Plugins.Directories, .. options.Prompts.Directories];
        return [.. folders
            .Where(f => !string.IsNullOrWhiteSpace(f))
            .Select(f => Path.TrimEndingDirectorySeparator(Path.GetFullPath(f!)))
            .Distinct(StringComparer.FromComparison(LuminaRoots.Comparison))];
    }
}
