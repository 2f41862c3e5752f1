using Lumina.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Lumina.Plugins.Files;

/// <summary>
/// Acts on a real path that <see cref="AllowedRoots"/> resolved, without trusting the name a second time: the path is
/// walked from its root's folder, one component at a time with <c>openat(O_NOFOLLOW)</c>, so every folder is held
/// open (pinned) while the next is opened in it, and no symbolic link is followed at all. If anything on the path was
/// swapped for a link between the check and the use, the call fails saying the path changed; it never reaches outside.
/// Files are opened with <c>O_NONBLOCK</c> and must be regular (a FIFO or device would hang a read).
/// </summary>
/// <remarks>
/// Linux only (the platform Lumina is deployed and sandboxed on). On other systems the same operations go by path, as
/// before: containment is still checked, but a concurrent swap between the check and the use is not guarded against.
/// </remarks>
internal static partial class PinnedPath
{
    private const uint NewFolderMode = 0x1FF; // 0777, less the umask
    private const uint NewFileMode = 0x1B6;   // 0666, less the umask

    private static bool Pinned => OperatingSystem.IsLinux();

    /// <summary>One entry of a folder: its real path and what it is (the entry itself, links not followed).</summary>
    public readonly record struct Entry(string Path, string Kind, long? Size, DateTime? ModifiedUtc);

    /// <summary>Opens a regular file for reading.</summary>
    /// <exception cref="LuminaException">It is not a regular file, does not exist, or its path changed during the call.</exception>
    public static FileStream OpenRead(AllowedRoots roots, string file, string display)
    {
        if (!Pinned)
        {
            return new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.SequentialScan);
        }

        using var folder = Walk(roots, Parent(roots, file, display), create: false, display);
        var handle = Native.OpenAt(folder, Path.GetFileName(file), Native.ReadOnly | Native.NoFollow | Native.NonBlock);
        if (handle.IsInvalid)
        {
            throw Refused(Native.Errno, display);
        }

        try
        {
            RequireRegular(handle, display);
            return new FileStream(handle, FileAccess.Read, 4096);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Opens a regular file for reading, or returns null when it (or its folder) does not exist.</summary>
    /// <exception cref="LuminaException">It is not a regular file, or its path changed during the call.</exception>
    public static FileStream? OpenReadIfExists(AllowedRoots roots, string file, string display)
    {
        if (!Pinned)
        {
            return File.Exists(file) ? OpenRead(roots, file, display) : null;
        }

        try
        {
            return OpenRead(roots, file, display);
        }
        catch (MissingException)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> to <paramref name="file"/> through a temporary file created beside it and renamed
    /// over it, creating missing folders. An existing file keeps its permissions; without
    /// <paramref name="overwrite"/> an existing file is never replaced, even one created meanwhile.
    /// </summary>
    /// <exception cref="LuminaException">The file exists (and <paramref name="overwrite"/> is false), is not a regular file, or its path changed.</exception>
    public static void Write(AllowedRoots roots, string file, ReadOnlySpan<byte> bytes, bool overwrite, string display)
    {
        var name = Path.GetFileName(file);
        var temporary = $".{name}.{Guid.NewGuid():N}.tmp";
        if (!Pinned)
        {
            var path = Path.Join(Path.GetDirectoryName(file), temporary);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            try
            {
                File.WriteAllBytes(path, bytes.ToArray());
                if (File.Exists(file) && !OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, File.GetUnixFileMode(file));
                }

                File.Move(path, file, overwrite);
            }
            finally
            {
                File.Delete(path);
            }

            return;
        }

        using var folder = Walk(roots, Parent(roots, file, display), create: true, display);
        uint? mode = null;
        using (var existing = Native.OpenAt(folder, name, Native.ReadOnly | Native.NoFollow | Native.NonBlock))
        {
            if (!existing.IsInvalid)
            {
                mode = RequireRegular(existing, display).Permissions;
            }
            else if (Native.Errno != Native.NoEntry)
            {
                throw Refused(Native.Errno, display);
            }
        }

        if (mode is not null && !overwrite)
        {
            throw AlreadyExists(display);
        }

        var renamed = false;
        try
        {
            using (var handle = Native.OpenAt(folder, temporary, Native.WriteOnly | Native.Create | Native.Exclusive | Native.NoFollow, NewFileMode))
            {
                if (handle.IsInvalid)
                {
                    throw Refused(Native.Errno, display);
                }

                // A rename would otherwise drop an executable bit an edited script had.
                if (mode is { } permissions && Native.ChangeMode(handle, permissions) != 0)
                {
                    throw Refused(Native.Errno, display);
                }

                using var stream = new FileStream(handle, FileAccess.Write, 1);
                stream.Write(bytes);
            }

            Rename(folder, temporary, folder, name, overwrite, display, allowLink: true);
            renamed = true;
        }
        finally
        {
            if (!renamed)
            {
                _ = Native.UnlinkAt(folder, temporary, 0);
            }
        }
    }

    /// <summary>Renames the entry <paramref name="from"/> (a link moves as a link) to <paramref name="to"/>, creating the destination's missing folders.</summary>
    /// <exception cref="LuminaException">The destination exists (and <paramref name="overwrite"/> is false), or a path changed during the call.</exception>
    public static void Move(AllowedRoots roots, string from, string to, bool overwrite, string display)
    {
        if (!Pinned)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            if (Directory.Exists(from) && new FileInfo(from).LinkTarget is null)
            {
                Directory.Move(from, to);
            }
            else
            {
                File.Move(from, to, overwrite);
            }

            return;
        }

        using var fromFolder = Walk(roots, Parent(roots, from, display), create: false, display);
        using var toFolder = Walk(roots, Parent(roots, to, display), create: true, display);
        Rename(fromFolder, Path.GetFileName(from), toFolder, Path.GetFileName(to), overwrite, display, allowLink: false);
    }

    /// <summary>Deletes the entry <paramref name="target"/>: a file or link itself, or a folder (with what it holds when <paramref name="recursive"/>, never following a link inside).</summary>
    /// <exception cref="LuminaException">It does not exist, is a folder with contents and <paramref name="recursive"/> is false, or its path changed.</exception>
    public static void Delete(AllowedRoots roots, string target, bool recursive, string display)
    {
        if (!Pinned)
        {
            var info = new FileInfo(target);
            if (info.LinkTarget is not null || info.Exists)
            {
                info.Delete();
            }
            else if (Directory.Exists(target))
            {
                if (!recursive && Directory.EnumerateFileSystemEntries(target).Any())
                {
                    throw NotEmpty(display);
                }

                Directory.Delete(target, recursive);
            }
            else
            {
                throw new LuminaException($"'{display}' does not exist.");
            }

            return;
        }

        using var folder = Walk(roots, Parent(roots, target, display), create: false, display);
        var name = Path.GetFileName(target);
        if (!Native.TryStat(folder, name, out var status))
        {
            throw Native.Errno == Native.NoEntry ? new LuminaException($"'{display}' does not exist.") : Refused(Native.Errno, display);
        }

        if (!status.IsDirectory)
        {
            Check(Native.UnlinkAt(folder, name, 0), display);
        }
        else if (recursive)
        {
            DeleteTree(folder, name, display);
        }
        else if (Native.UnlinkAt(folder, name, Native.RemoveDirectory) != 0)
        {
            throw Native.Errno == Native.NotEmpty ? NotEmpty(display) : Refused(Native.Errno, display);
        }
    }

    /// <summary>
    /// The entries of <paramref name="folder"/>, sorted by name, read from the folder held open (so a folder swapped
    /// for a link is not listed through). Empty when the folder cannot be read or was removed.
    /// </summary>
    public static List<Entry> Children(AllowedRoots roots, string folder)
    {
        var entries = new List<Entry>();
        if (!Pinned)
        {
            try
            {
                foreach (var info in new DirectoryInfo(folder).EnumerateFileSystemInfos())
                {
                    var kind = info.LinkTarget is not null ? "symlink" : info is DirectoryInfo ? "directory" : "file";
                    entries.Add(new Entry(info.FullName, kind, kind == "file" ? ((FileInfo)info).Length : null, kind == "symlink" ? null : info.LastWriteTimeUtc));
                }
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or DirectoryNotFoundException or IOException)
            {
                // An unreadable folder, or one removed while listing: list what can be listed.
            }
        }
        else
        {
            SafeFileHandle handle;
            try
            {
                handle = Walk(roots, folder, create: false, folder);
            }
            catch (LuminaException)
            {
                return entries;
            }

            using (handle)
            {
                List<string> names;
                try
                {
                    names = Names(handle);
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException or DirectoryNotFoundException or IOException)
                {
                    // An unreadable folder, or one removed while listing: list what can be listed.
                    return entries;
                }

                foreach (var name in names)
                {
                    if (Native.TryStat(handle, name, out var status))
                    {
                        entries.Add(ToEntry(Path.Join(folder, name), status));
                    }
                }
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return entries;
    }

    /// <summary>What the entry <paramref name="path"/> is (the entry itself, links not followed), or null when it cannot be read.</summary>
    public static Entry? Describe(AllowedRoots roots, string path)
    {
        if (!Pinned)
        {
            var info = new FileInfo(path);
            return info.LinkTarget is not null ? new Entry(path, "symlink", null, null)
                : info.Exists ? new Entry(path, "file", info.Length, info.LastWriteTimeUtc)
                : Directory.Exists(path) ? new Entry(path, "directory", null, Directory.GetLastWriteTimeUtc(path))
                : null;
        }

        try
        {
            using var folder = Walk(roots, Parent(roots, path, path), create: false, path);
            return Native.TryStat(folder, Path.GetFileName(path), out var status)
                ? ToEntry(path, status)
                : null;
        }
        catch (LuminaException)
        {
            return null;
        }
    }
}
