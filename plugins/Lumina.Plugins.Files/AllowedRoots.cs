using Lumina.Abstractions;

namespace Lumina.Plugins.Files;

/// <summary>
/// The folders a call may touch, and the one way to turn a caller's path into a path inside them. Every path is
/// resolved to its real location (symbolic links followed) before containment is checked, so neither <c>..</c>, an
/// absolute path nor a link can lead outside.
/// </summary>
/// <remarks>
/// The check and the use are separate system calls: someone who can already write inside a root could swap a folder
/// for a link between them. The plugin guards against what a caller asks for, not against a concurrent local attacker.
/// </remarks>
internal sealed class AllowedRoots
{
    // Linux file systems are case-sensitive; Windows and (by default) macOS are not.
    private static readonly StringComparison s_comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
    private const int MaxLinkDepth = 40;

    private AllowedRoots(IReadOnlyList<string> roots) => Roots = roots;

    /// <summary>The roots, as real absolute paths (links resolved), configured roots first.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>The configured roots and the client's <c>file://</c> roots; roots that do not exist here are left out.</summary>
    public static async Task<AllowedRoots> ResolveAsync(FilesOptions options, ILuminaCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        var roots = new List<string>();
        foreach (var root in options.Roots)
        {
            Add(roots, root);
        }

        foreach (var root in await context.GetRootsAsync(cancellationToken).ConfigureAwait(false))
        {
            // A client may share non-file roots (https://…); only local folders can bound file access.
            if (Uri.TryCreate(root.Uri, UriKind.Absolute, out var uri) && uri.IsFile)
            {
                Add(roots, uri.LocalPath);
            }
        }

        return new AllowedRoots(roots);
    }

    /// <summary>These roots exactly (those that exist).</summary>
    public static AllowedRoots Of(params string[] roots)
    {
        var list = new List<string>();
        foreach (var root in roots)
        {
            Add(list, root);
        }

        return new AllowedRoots(list);
    }

    /// <summary>
    /// The real path of what <paramref name="path"/> names, every link followed (relative paths start at the first
    /// root). Use it to read or write what a path points to.
    /// </summary>
    /// <exception cref="LuminaException">There are no roots, the path is malformed, or it leads outside the roots.</exception>
    public string Resolve(string path)
    {
        var full = FullPath(path);
        var real = RealPath(full);
        return IsInside(real) ? real : throw Escape(path, full);
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
        return IsInside(entry) ? entry : throw Escape(path, full);
    }

    /// <summary>Whether <paramref name="path"/> is one of the roots themselves (never moved or deleted).</summary>
    public bool IsRoot(string path) => Roots.Any(r => string.Equals(Trim(r), Trim(path), s_comparison));

    /// <summary>Whether a real path lies inside (or is) a root.</summary>
    public bool IsInside(string fullPath) => Roots.Any(root => Contains(root, fullPath));

    /// <summary>
    /// The path as the caller should give it back: relative ('/'-separated) under the first root, where relative paths
    /// resolve; absolute elsewhere, so a path under another root never reads as one under the first.
    /// </summary>
    public string Display(string path) =>
        Roots.Count > 0 && Contains(Roots[0], path)
            ? Path.GetRelativePath(Roots[0], path).Replace(Path.DirectorySeparatorChar, '/')
            : path;

    /// <summary>
    /// Follows every symbolic link along <paramref name="fullPath"/>: each existing component that is a link is
    /// replaced by its final target; the part that does not exist yet is appended as it is, so a new file is checked
    /// where it would really be created.
    /// </summary>
    /// <exception cref="LuminaException">The links loop or nest too deeply.</exception>
    internal static string RealPath(string fullPath) => RealPath(fullPath, depth: 0);

    private string FullPath(string path)
    {
        if (Roots.Count == 0)
        {
            throw new LuminaException(
                "No folders are open to the files plugin. Configure Lumina:Files:Roots (for example Lumina__Files__Roots__0=/path/to/project) " +
                "or use an MCP client that shares its workspace roots.");
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

    private LuminaException Escape(string path, string full)
    {
        var allowed = string.Join(", ", Roots);

        // Lexically inside but really outside: a link on the way leads out. Say so, so the caller does not retry.
        return IsInside(full)
            ? new LuminaException($"Path '{path}' goes through a symbolic link that leads outside the allowed roots: {allowed}.")
            : new LuminaException($"Path '{path}' is outside the allowed roots: {allowed}.");
    }

    private static bool Contains(string root, string path)
    {
        root = Trim(root);
        path = Trim(path);
        return string.Equals(root, path, s_comparison)
            || path.StartsWith(Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar, s_comparison);
    }

    private static string Trim(string path) => Path.TrimEndingDirectorySeparator(path);

    private static void Add(List<string> roots, string root)
    {
        if (string.IsNullOrWhiteSpace(root) || !Path.IsPathFullyQualified(root) || !Directory.Exists(root))
        {
            return;
        }

        var real = Trim(RealPath(Path.GetFullPath(root)));
        if (!roots.Contains(real, StringComparer.FromComparison(s_comparison)))
        {
            roots.Add(real);
        }
    }

    private static string RealPath(string fullPath, int depth)
    {
        if (depth > MaxLinkDepth)
        {
            throw new LuminaException($"'{fullPath}' has too many levels of symbolic links.");
        }

        var root = Path.GetPathRoot(fullPath) ?? string.Empty;
        var parts = fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Join(current, parts[i]);

            // FileInfo reads the entry itself (lstat): a link, to a file or a folder, has a LinkTarget.
            var info = new FileInfo(next);
            if (info.LinkTarget is null)
            {
                if (!info.Exists && !Directory.Exists(next))
                {
                    // The rest does not exist yet (a file about to be written): nothing more to follow.
                    return Path.Join([current, .. parts[i..]]);
                }

                current = next;
                continue;
            }

            FileSystemInfo? target;
            try
            {
                target = info.ResolveLinkTarget(returnFinalTarget: true);
            }
            catch (IOException ex)
            {
                // A loop (a → b → a) or a chain longer than the system allows.
                throw new LuminaException($"'{fullPath}' has a symbolic link loop or too many levels of links.", ex);
            }

            // The final target may itself sit below other links: resolve it the same way.
            current = RealPath(Path.GetFullPath(target?.FullName ?? next), depth + 1);
        }

        return current;
    }
}
