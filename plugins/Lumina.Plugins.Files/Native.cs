using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Lumina.Plugins.Files;

/// <summary>
/// The Linux system calls that let the plugin act on a path relative to a folder it holds open, refusing symbolic
/// links at the moment of use (<c>openat</c> with <c>O_NOFOLLOW</c>, <c>mkdirat</c>, <c>renameat2</c>, <c>unlinkat</c>,
/// <c>statx</c>). Only called on Linux.
/// </summary>
internal static partial class Native
{
    public const int ReadOnly = 0;
    public const int WriteOnly = 1;
    public const int Create = 0x40;
    public const int Exclusive = 0x80;
    public const int NonBlock = 0x800;
    public const int CloseOnExec = 0x80000;
    public const int SymlinkNoFollow = 0x100;
    public const int RemoveDirectory = 0x200;
    public const int EmptyPath = 0x1000;
    public const uint RenameNoReplace = 1;

    public const int NoEntry = 2;
    public const int Exists = 17;
    public const int NotDirectory = 20;
    public const int IsDirectory = 21;
    public const int Invalid = 22;
    public const int NotEmpty = 39;
    public const int NoSystemCall = 38;
    public const int Loop = 40;

    // statx: the mode (u16 at 28), size (u64 at 40) and modification time (i64 seconds, u32 nanoseconds at 112).
    private const uint StatxBasic = 0x7ff;
    private const int StatxSize = 256;

    private static readonly bool s_arm = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;

    /// <summary><c>O_DIRECTORY</c>: its value differs between x86 and Arm.</summary>
    public static int Directory { get; } = s_arm ? 0x4000 : 0x10000;

    /// <summary><c>O_NOFOLLOW</c>: its value differs between x86 and Arm.</summary>
    public static int NoFollow { get; } = s_arm ? 0x8000 : 0x20000;

    /// <summary>The <c>errno</c> of the last call made here.</summary>
    public static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>What an <c>errno</c> means, in the system's words.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>Opens <paramref name="path"/> relative to the folder <paramref name="folder"/>; invalid on failure (see <see cref="Errno"/>).</summary>
    public static SafeFileHandle OpenAt(SafeFileHandle folder, string path, int flags, uint mode = 0) => OpenAtCore(folder, path, flags | CloseOnExec, mode);

    /// <summary>Opens an absolute <paramref name="path"/>; invalid on failure.</summary>
    public static SafeFileHandle Open(string path, int flags) => OpenCore(path, flags | CloseOnExec, 0);

    /// <summary>What the entry <paramref name="name"/> in <paramref name="folder"/> is (the entry itself, links not followed), or the open file itself when <paramref name="name"/> is empty.</summary>
    public static bool TryStat(SafeFileHandle folder, string name, out FileStatus status)
    {
        var buffer = new byte[StatxSize];
        var flags = name.Length == 0 ? EmptyPath | SymlinkNoFollow : SymlinkNoFollow;
        if (Statx(folder, name, flags, StatxBasic, buffer) != 0)
        {
            status = default;
            return false;
        }

        var mode = BitConverter.ToUInt16(buffer, 28);
        var size = BitConverter.ToInt64(buffer, 40);
        var modified = DateTimeOffset.FromUnixTimeSeconds(BitConverter.ToInt64(buffer, 112)).AddTicks(BitConverter.ToUInt32(buffer, 120) / 100).UtcDateTime;
        status = new FileStatus(mode, size, modified);
        return true;
    }

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial SafeFileHandle OpenAtCore(SafeFileHandle folder, string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial SafeFileHandle OpenCore(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(SafeFileHandle folder, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MakeDirectoryAt(SafeFileHandle folder, string name, uint mode);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int RenameAt(SafeFileHandle fromFolder, string fromName, SafeFileHandle toFolder, string toName, uint flags);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LinkAt(SafeFileHandle fromFolder, string fromName, SafeFileHandle toFolder, string toName, int flags);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UnlinkAt(SafeFileHandle folder, string name, int flags);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int ChangeMode(SafeFileHandle file, uint mode);
}

/// <summary>What <c>statx</c> said about an entry.</summary>
/// <param name="Mode">The type and permission bits (<c>st_mode</c>).</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="ModifiedUtc">The last modification time.</param>
internal readonly record struct FileStatus(ushort Mode, long Size, DateTime ModifiedUtc)
{
    private const int TypeMask = 0xF000;

    /// <summary>The permission bits (the mode without the type).</summary>
    public uint Permissions => (uint)Mode & 0xFFF;

    /// <summary>A regular file.</summary>
    public bool IsFile => (Mode & TypeMask) == 0x8000;

    /// <summary>A folder.</summary>
    public bool IsDirectory => (Mode & TypeMask) == 0x4000;

    /// <summary>
    /// The kind, as a listing names it: <c>file</c>, <c>directory</c>, <c>symlink</c>, <c>fifo</c>, <c>socket</c>,
    /// <c>device</c> or <c>other</c>.
    /// </summary>
    public string Kind => (Mode & TypeMask) switch
    {
        0x8000 => "file",
        0x4000 => "directory",
        0xA000 => "symlink",
        0x1000 => "fifo",
        0xC000 => "socket",
        0x2000 or 0x6000 => "device",
        _ => "other",
    };
}
