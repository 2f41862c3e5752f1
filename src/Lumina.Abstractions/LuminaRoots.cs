namespace Lumina.Abstractions;

/// <summary>
/// The one rule for the folders a call may reach when both the host and the caller's client name some: the host's
/// configured roots, and the client's declared roots (MCP <c>roots/list</c>) which the client controls.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>stdio (<see cref="LuminaCaller.ClientRootsMayWiden"/>): the configured roots and the client's roots, both.</item>
/// <item>HTTP: the client's roots only narrow the configured roots. A client root inside a configured root narrows
/// to it; one that contains a configured root narrows to that configured root; one disjoint from them adds nothing.
/// A client that declares no local roots leaves the configured roots as they are; with no configured roots there
/// is nothing to narrow, so nothing is open.</item>
/// <item>In-process: the configured roots (the caller has no client).</item>
/// </list>
/// Whatever the rule gives, <see cref="ILuminaHostPaths.ProtectedFolders"/> folders stay closed. Every path given here must
/// already be absolute and real (links resolved): containment is compared on the text of the paths.
/// </remarks>
public static class LuminaRoots
{
    // Linux file systems are case-sensitive; Windows and (by default) macOS are not.
    // Links followed before a path is taken to loop (Linux allows 40).
    private const int MaxLinkDepth = 40;

    private static readonly StringComparison s_comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    /// <summary>How paths are compared on this system: ordinal on Linux, ignoring case elsewhere.</summary>
    public static StringComparison Comparison => s_comparison;

    /// <summary>The local folders of the client's roots (<c>file:</c> URIs); other roots (<c>https://…</c>) cannot bound local access.</summary>
    public static IReadOnlyList<string> LocalPaths(IEnumerable<ClientRoot> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var paths = new List<string>();
        foreach (var root in roots)
        {
            if (Uri.TryCreate(root.Uri, UriKind.Absolute, out var uri) && uri.IsFile && Path.IsPathFullyQualified(uri.LocalPath))
            {
                paths.Add(uri.LocalPath);
            }
        }

        return paths;
    }

    /// <summary>The roots a call by <paramref name="caller"/> may reach, configured roots first, without duplicates.</summary>
    /// <param name="caller">Who is calling, and how.</param>
    /// <param name="configured">The host's configured roots (real absolute paths).</param>
    /// <param name="client">The local folders the caller's client declared (real absolute paths).</param>
    public static IReadOnlyList<string> Effective(LuminaCaller caller, IReadOnlyList<string> configured, IReadOnlyList<string> client)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(client);
        var roots = new List<string>();
        if (caller.ClientRootsMayWiden)
        {
            AddAll(roots, configured);
            AddAll(roots, client);
        }
        else if (caller.Transport == LuminaTransport.InProcess || client.Count == 0)
        {
            AddAll(roots, configured);
        }
        else
        {
            foreach (var root in configured)
            {
                foreach (var declared in client)
                {
                    if (Contains(root, declared))
                    {
                        Add(roots, declared);
                    }
                    else if (Contains(declared, root))
                    {
                        Add(roots, root);
                    }
                }
            }
        }

        return roots;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or lies under it (a separator makes a child: <c>/a-b</c> is not under <c>/a</c>).</summary>
    public static bool Contains(string root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        root = Path.TrimEndingDirectorySeparator(root);
        path = Path.TrimEndingDirectorySeparator(path);
        return string.Equals(root, path, s_comparison)
            || path.StartsWith(Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar, s_comparison);
    }

    /// <summary>Whether <paramref name="path"/> is one of <paramref name="protectedFolders"/> or inside one.</summary>
    public static bool IsProtected(string path, IEnumerable<string> protectedFolders)
    {
        ArgumentNullException.ThrowIfNull(protectedFolders);
        return protectedFolders.Any(folder => Contains(folder, path));
    }

    /// <summary>Whether <paramref name="path"/> is, is inside, or holds one of <paramref name="protectedFolders"/>: moving or deleting it would touch them.</summary>
    public static bool Touches(string path, IEnumerable<string> protectedFolders)
    {
        ArgumentNullException.ThrowIfNull(protectedFolders);
        return protectedFolders.Any(folder => Contains(folder, path) || Contains(path, folder));
    }

    /// <summary>
    /// Follows every symbolic link along the absolute <paramref name="fullPath"/>: each existing component that is a
    /// link is replaced by its final target; the part that does not exist yet is appended as it is, so a new file is
    /// checked where it would really be created.
    /// </summary>
    /// <exception cref="LuminaException">The links loop or nest too deeply.</exception>
    public static string RealPath(string fullPath)
    {
        ArgumentNullException.ThrowIfNull(fullPath);
        return RealPath(fullPath, depth: 0);
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

    private static void AddAll(List<string> roots, IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            Add(roots, path);
        }
    }

    private static void Add(List<string> roots, string path)
    {
        path = Path.TrimEndingDirectorySeparator(path);
        if (!roots.Contains(path, StringComparer.FromComparison(s_comparison)))
        {
            roots.Add(path);
        }
    }
}
