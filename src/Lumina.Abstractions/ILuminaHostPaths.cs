namespace Lumina.Abstractions;

/// <summary>
/// The host's own folders, which no plugin may open to a caller whatever roots are configured or declared: the
/// program's directory (its binaries and the configuration it loads with live reload), its data directory (identities,
/// audit ledger, memory) and the folders it loads plugins and prompts from.
/// </summary>
/// <remarks>
/// A plugin that lets callers name paths (files, exec, web) refuses every path inside one of these, and every
/// operation on a folder that holds one (moving or deleting it would move or delete them), checking real paths
/// (links resolved) with <see cref="LuminaRoots.Contains(string, string)"/>.
/// </remarks>
public interface ILuminaHostPaths
{
    /// <summary>The protected folders, as absolute paths (not necessarily existing, links not yet resolved).</summary>
    IReadOnlyList<string> ProtectedFolders { get; }
}
