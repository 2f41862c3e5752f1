using Lumina.Abstractions;

namespace Lumina.Plugins.Files;

/// <summary>
/// The folders a call may touch, and the one way to turn a caller's path into a path inside them. Every path is
/// resolved to its real location (symbolic links followed) before it is checked, so neither <c>..</c>, an absolute
/// path nor a link can lead outside.
/// </summary>
internal sealed class AllowedRoots
{
    private static readonly StringComparison s_comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    private AllowedRoots(IReadOnlyList<string> roots) => Roots = roots;

    /// <summary>The roots, as real absolute paths, configured roots first.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>The configured roots and the client's <c>file://</c> roots.</summary>
    public static async Task<AllowedRoots> ResolveAsync(FilesOptions options, ILuminaCallContext context, CancellationToken cancellationToken)
    {
        var roots = new List<string>();
        foreach (var root in options.Roots)
        {
            Add(roots, root);
        }

        foreach (var root in await context.GetRootsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Uri.TryCreate(root.Uri, UriKind.Absolute, out var uri) && uri.IsFile)
            {
                Add(roots, uri.LocalPath);
            }
        }

        return new AllowedRoots(roots);
    }

    /// <summary>For tests: these roots exactly.</summary>
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
    /// The real path for <paramref name="path"/> (relative paths start at the first root).
    /// </summary>
    /// <exception cref="LuminaException">There are no roots, or the path leads outside them.</exception>
    public string Resolve(string path)
    {
        if (Roots.Count == 0)
        {
            throw new LuminaException(
                "No folders are open to the files plugin. Configure Lumina:Files:Roots (e.g. Lumina__Files__Roots__0=/path/to/project) or use a client that shares its workspace roots.");
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            throw new LuminaException("A path is required.");
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new LuminaException("The path contains a NUL character.");
        }

        string full;
        try
        {
            full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(Roots[0], path));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new LuminaException($"'{path}' is not a valid path.", ex);
        }

        if (!IsInside(full))
        {
            throw Outside(path);
        }

        var real = RealPath(full);
        if (!IsInside(real))
        {
            throw new LuminaException($"Path '{path}' goes through a symbolic link to outside the allowed roots: {string.Join(", ", Roots)}.");
        }

        return real;
    }

    /// <summary>Whether <paramref name="path"/> is one of the roots themselves (never moved or deleted).</summary>
    public bool IsRoot(string path) => Roots.Any(r => string.Equals(Trim(r), Trim(path), s_comparison));

    /// <summary>The path as the caller should see it: relative to its root when inside one.</summary>
    public string Display(string path)
    {
        foreach (var root in Roots)
        {
            if (Contains(root, path))
            {
                var relative = Path.GetRelativePath(root, path);
                return relative.Replace(Path.DirectorySeparatorChar, '/');
            }
        }

        return path;
    }

    /// <summary>Whether a real path lies inside a root.</summary>
    public bool IsInside(string fullPath) => Roots.Any(root => Contains(root, fullPath));

    private LuminaException Outside(string path) =>
        new($"Path '{path}' is outside the allowed roots: {string.Join(", ", Roots)}.");

    private static bool Contains(string root, string path)
    {
        root = Trim(root);
        path = Trim(path);
        return string.Equals(root, path, s_comparison)
            || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, s_comparison);
    }

    private static string Trim(string path) => path.Length > 1 ? path.TrimEnd(Path.DirectorySeparatorChar) : path;

    private static void Add(List<string> roots, string root)
    {
        if (string.IsNullOrWhiteSpace(root) || !Path.IsPathFullyQualified(root) || !Directory.Exists(root))
        {
            return;
        }

        var real = RealPath(Path.GetFullPath(root));
        if (!roots.Contains(real, StringComparer.FromComparison(s_comparison)))
        {
            roots.Add(real);
        }
    }

    /// <summary>
    /// Follows every symbolic link along <paramref name="fullPath"/>: each existing component that is a link is
    /// replaced by its final target; the part that does not exist yet is appended as it is.
    /// </summary>
    internal static string RealPath(string fullPath) => RealPath(fullPath, depth: 0);

    private static string RealPath(string fullPath, int depth)
    {
        if (depth > 40)
        {
            throw new LuminaException("Too many levels of symbolic links.");
        }

        var root = Path.GetPathRoot(fullPath) ?? "/";
        var parts = fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            FileSystemInfo info = new FileInfo(next);
            if (info.LinkTarget is null && !info.Exists)
            {
                info = new DirectoryInfo(next);
                if (!info.Exists && info.LinkTarget is null)
                {
                    // The rest does not exist yet (a file about to be written): nothing more to follow.
                    return Path.Combine([current, .. parts[i..]]);
                }
            }

            // A link's target may itself sit below other links: resolve it the same way.
            current = info.LinkTarget is not null
                ? RealPath(Path.GetFullPath(info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? next), depth + 1)
                : next;
        }

        return current;
    }
}
