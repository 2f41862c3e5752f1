namespace Lumina.Plugins.Exec;

/// <summary>Makes and removes the per-run directories under the scratch directory.</summary>
internal static class RunDirectories
{
    private const UnixFileMode Traverse = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode Readable = Traverse | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Everyone = Readable | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>
    /// Makes <c><paramref name="parent"/>/<paramref name="id"/></c> with an empty <c>scratch</c> and <c>code</c>
    /// inside. The parent and the run's directory can be passed through but not listed by others; the scratch directory
    /// is writable by the sandbox's user (nobody, when Lumina runs as root), and only reachable through its unguessable
    /// run id.
    /// </summary>
    public static RunDirectory Create(string parent, string id)
    {
        var run = new RunDirectory(id, Path.Combine(parent, id));
        Directory.CreateDirectory(parent);
        Directory.CreateDirectory(run.Root);
        var scratch = Directory.CreateDirectory(run.Scratch);
        var code = Directory.CreateDirectory(run.Code);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(parent, Traverse);
            File.SetUnixFileMode(run.Root, Traverse);
            File.SetUnixFileMode(scratch.FullName, Environment.IsPrivilegedProcess ? Everyone : Traverse);
            File.SetUnixFileMode(code.FullName, Readable);
        }

        return run;
    }

    /// <summary>Writes a run's program source, readable by the sandbox's user.</summary>
    public static string WriteCode(RunDirectory run, string fileName, string code)
    {
        var path = Path.Combine(run.Code, fileName);
        File.WriteAllText(path, code);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        return path;
    }

    /// <summary>
    /// Removes <paramref name="path"/> and all it holds without following a link (a link a run planted is removed,
    /// never what it points to), opening folders a run closed (mode 000) first. Never throws.
    /// </summary>
    public static void Delete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                Open(new DirectoryInfo(path));
                Directory.Delete(path, recursive: true);
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // Left for the next sweep; nothing in it is reachable by a caller.
            }
        }
    }

    /// <summary>Deletes the run directories under <paramref name="parent"/> last written before <paramref name="before"/> (left by a host that stopped).</summary>
    public static void Sweep(string parent, DateTime before)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (var run in new DirectoryInfo(parent).EnumerateDirectories())
        {
            if (run.LinkTarget is null && run.LastWriteTimeUtc < before)
            {
                Delete(run.FullName);
            }
        }
    }

    private static void Open(DirectoryInfo folder)
    {
        if (OperatingSystem.IsWindows() || folder.LinkTarget is not null)
        {
            return;
        }

        File.SetUnixFileMode(folder.FullName, Traverse);
        foreach (var child in folder.EnumerateDirectories())
        {
            Open(child);
        }
    }
}
