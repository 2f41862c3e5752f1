using Lumina.Abstractions;

namespace Lumina.Plugins.Files;

/// <summary>
/// The folders a call may touch, and the one way to turn a caller's path into a path inside them. Every path is
/// resolved to its real location (symbolic links followed) before containment is checked, so neither <c>..</c>, an
/// absolute path nor a link can lead outside. Which roots a call gets follows <see cref="LuminaRoots"/> (over HTTP a
/// client's roots only narrow the configured ones), and the host's own folders (<see cref="ILuminaHostPaths"/>) are
/// never inside any root.
/// </summary>
/// <remarks>
/// The check here and the use are separate system calls: the plugin then opens what this resolved through
/// <see cref="PinnedPath"/>, which refuses any link met on the way, so a folder swapped for a link in between fails the
/// call instead of leading outside.
/// </remarks>
internal sealed class AllowedRoots
{
    private const string NoRoots =
        "No folders are open to the files plugin. Configure Lumina:Files:Roots (for example Lumina__Files__Roots__0=/path/to/project) " +
        "or use an MCP client that shares its workspace roots.";

    private readonly string _noRoots;

    private AllowedRoots(IReadOnlyList<string> roots, IReadOnlyList<string> protectedFolders, string noRoots)
    {
        Roots = roots;
        ProtectedFolders = protectedFolders;
        _noRoots = noRoots;
    }

    /// <summary>The roots, as real absolute paths (links resolved), configured roots first.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>The host's own folders, as real absolute paths: nothing in them is ever resolved.</summary>
    public IReadOnlyList<string> ProtectedFolders { get; }

    /// <summary>
    /// The roots of this call: the configured roots and the client's <c>file://</c> roots combined as
    /// <see cref="LuminaRoots.Effective"/> says for the caller; roots that do not exist here, and roots inside the
    /// host's own folders, are left out.
    /// </summary>
    public static async Task<AllowedRoots> ResolveAsync(FilesOptions options, ILuminaHostPaths hostPaths, ILuminaCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hostPaths);
        ArgumentNullException.ThrowIfNull(context);
        var caller = context.Caller;
        var configured = Real(options.Roots);

        // An in-process caller has no client: its roots are not asked for.
        var declared = caller.Transport == LuminaTransport.InProcess
            ? []
            : Real(LuminaRoots.LocalPaths(await context.GetRootsAsync(cancellationToken).ConfigureAwait(false)));
        var protectedFolders = Real(hostPaths.ProtectedFolders);
        var roots = LuminaRoots.Effective(caller, configured, declared)
            .Where(r => Directory.Exists(r) && !LuminaRoots.IsProtected(r, protectedFolders))
            .ToList();
        var noRoots = caller.ClientRootsMayWiden || caller.Transport == LuminaTransport.InProcess || (configured.Count > 0 && declared.Count == 0)
            ? NoRoots
            : configured.Count == 0
                ? "No folders are open to the files plugin over HTTP: Lumina:Files:Roots is empty, and an HTTP client's own roots " +
                  "can only narrow the configured roots, never add to them. The host's operator must configure Lumina:Files:Roots."
                : $"No folders are open to this call: over HTTP a client's roots can only narrow the configured roots (Lumina:Files:Roots), " +
                  $"and none of the roots your client declared ({string.Join(", ", declared)}) lies inside or contains one of them " +
                  $"({string.Join(", ", configured)}).";
        return new AllowedRoots(roots, protectedFolders, noRoots);
    }

    /// <summary>These roots exactly (those that exist).</summary>
    public static AllowedRoots Of(params string[] roots) =>
        new([.. Real(roots).Where(Directory.Exists)], [], NoRoots);

    /// <summary>
    /// The real path of what <paramref name="path"/> names, every link followed (relative paths start at the first
    /// root). Use it to read or write what a path points to.
    /// </summary>
    /// <exception cref="LuminaException">There are no roots, the path is malformed, or it leads outside the roots.</exception>
    public string Resolve(string path)
    {
        var full = FullPath(path);
        var real = RealPath(full);
        return IsInside(real) ? real : throw Escape(path, full, real);
    }

    /// <summary>
    /// The path of the entry <paramref name="path"/> names, with its folder resolved but the entry itself not
    /// followed: a link is itself moved or deleted, never what it points to. The result may be a root itself.
    /// </summary>
    /// <exception cref="LuminaException">There are no roots, the path is malformed, or it leads outside the roots.</exception>
    public string ResolveEntry(string path)
    {
        var full = Trim(FullPath(path));
        var parent = Path.GetDirectoryName(full);
        var entry = parent is null ? full : Path.Join(RealPath(parent), Path.GetFileName(full));
        return IsInside(entry) ? entry : throw Escape(path, full, entry);
    }

    /// <summary>
    /// Refuses to move or delete <paramref name="entry"/> (a result of <see cref="ResolveEntry"/>) when it holds one of
    /// the host's own folders: moving or deleting it would move or delete them.
    /// </summary>
    /// <exception cref="LuminaException">It holds a protected folder.</exception>
    public void RequireNoHostFolderWithin(string entry, string path)
    {
        if (LuminaRoots.Touches(entry, ProtectedFolders))
        {
            throw new LuminaException($"'{path}' holds a folder of the Lumina host itself (its program, data, plugin or prompt folder), which the files plugin never moves or deletes.");
        }
    }

    /// <summary>Whether a real path is one of the host's own folders or inside one (never listed, searched or opened).</summary>
    public bool IsProtected(string fullPath) => LuminaRoots.IsProtected(fullPath, ProtectedFolders);

    /// <summary>The innermost root holding the real path <paramref name="fullPath"/>, or null when none does (or it is a host folder).</summary>
    public string? RootOf(string fullPath) =>
        IsInside(fullPath) ? Roots.Where(root => LuminaRoots.Contains(root, fullPath)).MaxBy(root => root.Length) : null;

    /// <summary>Whether <paramref name="path"/> is one of the roots themselves (never moved or deleted).</summary>
    public bool IsRoot(string path) => Roots.Any(r => string.Equals(Trim(r), Trim(path), LuminaRoots.Comparison));

    /// <summary>Whether a real path lies inside (or is) a root, and not in one of the host's own folders.</summary>
    public bool IsInside(string fullPath) => Roots.Any(root => LuminaRoots.Contains(root, fullPath)) && !IsProtected(fullPath);

    /// <summary>
    /// The path as the caller should give it back: relative ('/'-separated) under the first root, where relative paths
    /// resolve; absolute elsewhere, so a path under another root never reads as one under the first.
    /// </summary>
    public string Display(string path) =>
        Roots.Count > 0 && LuminaRoots.Contains(Roots[0], path)
            ? Path.GetRelativePath(Roots[0], path).Replace(Path.DirectorySeparatorChar, '/')
            : path;

    /// <summary>The real path of <paramref name="fullPath"/>, every link followed (<see cref="LuminaRoots.RealPath"/>).</summary>
    internal static string RealPath(string fullPath) => LuminaRoots.RealPath(fullPath);

    private string FullPath(string path)
    {
        if (Roots.Count == 0)
        {
            throw new LuminaException(_noRoots);
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            throw new LuminaException("A path is required: relative to the first allowed root, or absolute inside a root.");
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new LuminaException("The path contains a NUL character.");
        }

        try
        {
            return Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(Roots[0], path));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new LuminaException($"'{path}' is not a valid path.", ex);
        }
    }

    private LuminaException Escape(string path, string full, string real)
    {
        if (IsProtected(real) || IsProtected(full))
        {
            return new LuminaException($"Path '{path}' is inside a folder of the Lumina host itself (its program, data, plugin or prompt folder), which the files plugin never opens, whatever the roots.");
        }

        var allowed = string.Join(", ", Roots);

        // Lexically inside but really outside: a link on the way leads out. Say so, so the caller does not retry.
        return IsInside(full)
            ? new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"Path '{path}' goes through a symbolic link that leads outside the allowed roots: {allowed}.")
            : new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"Path '{path}' is outside the allowed roots: {allowed}.");
    }

    private static string Trim(string path) => Path.TrimEndingDirectorySeparator(path);

    /// <summary>The real paths of the absolute <paramref name="paths"/>, without duplicates (existing or not).</summary>
    private static List<string> Real(IEnumerable<string> paths)
    {
        var real = new List<string>();
        foreach (var path in paths)
        {
            if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
            {
                continue;
            }

            var resolved = Trim(RealPath(Path.GetFullPath(path)));
            if (!real.Contains(resolved, StringComparer.FromComparison(LuminaRoots.Comparison)))
            {
                real.Add(resolved);
            }
        }

        return real;
    }

}
