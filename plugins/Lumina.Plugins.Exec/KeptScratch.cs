using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Lumina.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Lumina.Plugins.Exec;

/// <summary>
/// The scratch directories kept after their runs (<c>Lumina:Exec:KeepScratch</c>), each readable only by the caller
/// whose run made it, until it expires. A run may have planted anything in its scratch directory: reads follow no
/// link, open nothing but regular files, and never block.
/// </summary>
internal sealed partial class KeptScratch(TimeProvider time)
{
    /// <summary>The most bytes of one file a read returns.</summary>
    internal const int MaxReadBytes = 1024 * 1024;

    private const int ReadOnly = 0;
    private const int NonBlock = 0x800;
    private const int CloseOnExec = 0x80000;

    private readonly ConcurrentDictionary<string, Kept> _runs = new(StringComparer.Ordinal);

    /// <summary>Keeps <paramref name="run"/> for <paramref name="owner"/> until <paramref name="ttl"/> passes.</summary>
    public void Keep(RunDirectory run, string owner, TimeSpan ttl) => _runs[run.Id] = new Kept(run, owner, time.GetUtcNow() + ttl);

    /// <summary>Deletes the kept directories that expired.</summary>
    public void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (id, kept) in _runs)
        {
            if (kept.Until <= now && _runs.TryRemove(id, out _))
            {
                RunDirectories.Delete(kept.Run.Root);
            }
        }
    }

    /// <summary>The files of a kept run's scratch directory, as JSON (path, size; links shown as links, never followed).</summary>
    public string List(string runId, string owner)
    {
        var scratch = Find(runId, owner);
        var entries = new DirectoryInfo(scratch).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, MaxRecursionDepth = 16 })
            .Take(1000)
            .Select(e => new
            {
                path = Path.GetRelativePath(scratch, e.FullName).Replace(Path.DirectorySeparatorChar, '/'),
                kind = e.LinkTarget is not null ? "link" : e is DirectoryInfo ? "directory" : "file",
                size = e is FileInfo { LinkTarget: null } file ? file.Length : (long?)null,
            });
        return JsonSerializer.Serialize(new { run = runId, files = entries });
    }

    /// <summary>One file of a kept run's scratch directory, at most <see cref="MaxReadBytes"/> bytes.</summary>
    /// <exception cref="LuminaRefusalException">No such run for this caller, a path that leaves the directory, a link, or not a regular file.</exception>
    public byte[] Read(string runId, string path, string owner)
    {
        var scratch = Find(runId, owner);
        var parts = Uri.UnescapeDataString(path).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.Any(p => p is "." or ".." || p.Contains('\0', StringComparison.Ordinal)))
        {
            throw new LuminaRefusalException($"'{path}' is not a path inside the run's scratch directory.");
        }

        var current = scratch;
        foreach (var part in parts)
        {
            current = Path.Join(current, part);
            if (new FileInfo(current).LinkTarget is not null)
            {
                throw new LuminaRefusalException($"'{path}' goes through a symbolic link the run made; links in a scratch directory are never followed.");
            }
        }

        if (Directory.Exists(current) || !File.Exists(current))
        {
            throw new LuminaRefusalException($"There is no file '{path}' in run {runId}'s scratch directory.");
        }

        // O_NONBLOCK: a FIFO a run left behind answers at once instead of holding the read forever.
        using var handle = Open(current, ReadOnly | NonBlock | CloseOnExec | (RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000));
        if (handle.IsInvalid)
        {
            throw new LuminaRefusalException($"'{path}' cannot be opened: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
        }

        try
        {
            var length = (int)Math.Min(RandomAccess.GetLength(handle), MaxReadBytes);
            var buffer = new byte[length];
            var read = 0;
            while (read < length && RandomAccess.Read(handle, buffer.AsSpan(read), read) is var n and > 0)
            {
                read += n;
            }

            return buffer[..read];
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException)
        {
            // A FIFO or socket: not seekable, and nothing to read.
            throw new LuminaRefusalException($"'{path}' is not a regular file ({ex.Message}).", ex);
        }
    }

    /// <summary>Whether <paramref name="bytes"/> read as UTF-8 text.</summary>
    public static bool IsText(byte[] bytes)
    {
        if (Array.IndexOf(bytes, (byte)0) >= 0)
        {
            return false;
        }

        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private string Find(string runId, string owner)
    {
        if (!_runs.TryGetValue(runId, out var kept) || kept.Until <= time.GetUtcNow() || !string.Equals(kept.Owner, owner, StringComparison.Ordinal))
        {
            throw new LuminaRefusalException($"There is no kept run '{runId}' for you (runs are kept for Lumina:Exec:KeepScratch, and only for the caller that made them).");
        }

        return kept.Run.Scratch;
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial SafeFileHandle Open(string path, int flags);

    private sealed record Kept(RunDirectory Run, string Owner, DateTimeOffset Until);
}
