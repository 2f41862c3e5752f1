using System.IO.Enumeration;
using Lumina.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Lumina.Plugins.Files;

// The handle-level steps: walking a path folder by folder, renaming, deleting a tree, and the errors they give.
internal static partial class PinnedPath
{
    /// <summary>Walks from the root holding <paramref name="folder"/> down to it, refusing links; creates missing folders when asked.</summary>
    private static SafeFileHandle Walk(AllowedRoots roots, string folder, bool create, string display)
    {
        var root = roots.RootOf(folder) ?? throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"'{display}' is outside the allowed roots.");
        var handle = Native.Open(root, Native.ReadOnly | Native.Directory);
        if (handle.IsInvalid)
        {
            throw Refused(Native.Errno, display);
        }

        foreach (var name in Path.GetRelativePath(root, folder).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            if (name == ".")
            {
                continue;
            }

            var next = Native.OpenAt(handle, name, Native.ReadOnly | Native.Directory | Native.NoFollow);
            if (next.IsInvalid && Native.Errno == Native.NoEntry && create)
            {
                // Another call may create it meanwhile: then it is opened as it is (and refused if it is a link).
                if (Native.MakeDirectoryAt(handle, name, NewFolderMode) != 0 && Native.Errno != Native.Exists)
                {
                    var error = Native.Errno;
                    handle.Dispose();
                    throw Refused(error, display);
                }

                next = Native.OpenAt(handle, name, Native.ReadOnly | Native.Directory | Native.NoFollow);
            }

            if (next.IsInvalid)
            {
                var error = Native.Errno;
                handle.Dispose();
                throw Refused(error, display);
            }

            handle.Dispose();
            handle = next;
        }

        return handle;
    }

    private static Entry ToEntry(string path, FileStatus status) =>
        new(path, status.Kind, status.IsFile ? status.Size : null, status.Kind == "symlink" ? null : status.ModifiedUtc);

    private static void DeleteTree(SafeFileHandle parent, string name, string display)
    {
        using (var folder = Native.OpenAt(parent, name, Native.ReadOnly | Native.Directory | Native.NoFollow))
        {
            if (folder.IsInvalid)
            {
                throw Refused(Native.Errno, display);
            }

            foreach (var child in Names(folder))
            {
                if (Native.TryStat(folder, child, out var status) && status.IsDirectory)
                {
                    DeleteTree(folder, child, display);
                }
                else
                {
                    Check(Native.UnlinkAt(folder, child, 0), display);
                }
            }
        }

        Check(Native.UnlinkAt(parent, name, Native.RemoveDirectory), display);
    }

    /// <summary>The names in a folder held open, read through <c>/proc/self/fd</c> so the open folder itself is read, not a path.</summary>
    private static List<string> Names(SafeFileHandle folder)
    {
        var path = $"/proc/self/fd/{folder.DangerousGetHandle()}";
        var options = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0, ReturnSpecialDirectories = false };
        return [.. new FileSystemEnumerable<string>(path, (ref FileSystemEntry entry) => entry.FileName.ToString(), options)];
    }

    private static void Rename(SafeFileHandle fromFolder, string fromName, SafeFileHandle toFolder, string toName, bool overwrite, string display, bool allowLink)
    {
        if (Native.RenameAt(fromFolder, fromName, toFolder, toName, overwrite ? 0 : Native.RenameNoReplace) == 0)
        {
            return;
        }

        var error = Native.Errno;
        if (error == Native.Exists)
        {
            throw AlreadyExists(display);
        }

        if (overwrite || error is not (Native.Invalid or Native.NoSystemCall))
        {
            throw Refused(error, display);
        }

        // The file system cannot rename without replacing. A file can still be placed without replacing: link it
        // (which fails if the name exists), then drop the old name. A folder falls back to a plain rename.
        if (allowLink)
        {
            Check(Native.LinkAt(fromFolder, fromName, toFolder, toName, 0), display, Native.Exists);
            _ = Native.UnlinkAt(fromFolder, fromName, 0);
            return;
        }

        Check(Native.RenameAt(fromFolder, fromName, toFolder, toName, 0), display);
    }

    private static FileStatus RequireRegular(SafeFileHandle handle, string display)
    {
        if (!Native.TryStat(handle, string.Empty, out var status))
        {
            throw Refused(Native.Errno, display);
        }

        return status.IsFile
            ? status
            : throw new LuminaException(status.IsDirectory
                ? $"'{display}' is a folder, not a file: use files_list to see what it holds."
                : $"'{display}' is not a regular file (it is a {status.Kind}); only regular files can be read or written.");
    }

    private static string Parent(AllowedRoots roots, string path, string display)
    {
        var parent = Path.GetDirectoryName(path);
        return parent is not null && roots.RootOf(parent) is not null
            ? parent
            : throw new LuminaException($"'{display}' is a root or outside the roots; name a file inside a root.");
    }

    private static void Check(int result, string display, int? alreadyExists = null)
    {
        if (result == 0)
        {
            return;
        }

        var error = Native.Errno;
        throw error == alreadyExists ? AlreadyExists(display) : Refused(error, display);
    }

    private static LuminaException AlreadyExists(string display) =>
        new($"'{display}' already exists. Pass overwrite=true to replace it.");

    private static LuminaException NotEmpty(string display) =>
        new($"The folder '{display}' is not empty. Pass recursive=true to delete it with everything in it.");

    private static LuminaException Refused(int errno, string display) => errno switch
    {
        Native.Loop => new LuminaException(
            $"'{display}' changed during the call: a file or folder on its path was replaced by a symbolic link. Nothing was done; symbolic links are not followed at the moment of use."),
        Native.NotDirectory => new LuminaException(
            $"'{display}' changed during the call, or a part of it is not a folder: a folder on its path is now a file or a link. Nothing was done."),
        Native.NoEntry => new MissingException(display),
        Native.IsDirectory => new LuminaException($"'{display}' is a folder; give the path of a file."),
        _ => new LuminaException($"Could not open '{display}': {Native.Describe(errno)}."),
    };


    /// <summary>A path that does not exist (or was removed during the call).</summary>
    private sealed class MissingException(string display) : LuminaRefusalException(LuminaRefusalKind.NotFound, $"'{display}' does not exist (or was removed during the call).");
}
