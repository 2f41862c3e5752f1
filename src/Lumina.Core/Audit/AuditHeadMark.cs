using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Lumina.Core.Audit;

/// <summary>
/// The ledger's head as last committed, kept outside the store (<c>audit.mark</c> in the data directory), and the
/// markers of the hosts that write behind (<c>audit.running-{pid}</c>): what a lost or replaced store, or a killed host,
/// leaves behind to be noticed.
/// </summary>
/// <remarks>
/// <para>
/// The store cannot vouch for itself: a Redis without persistence that restarts, or an <c>audit.db</c> replaced by an
/// older copy, is a shorter chain that verifies. The mark lives where that loss does not reach (a file beside the
/// embedded store's file, not in it; a local file for Redis), is advanced after every committed append — one small
/// in-place write, never backwards within a process — and is compared with the store when the host starts and by
/// <c>lumina audit verify</c>. Several processes may share it: each writes a head it committed, so the mark is never
/// ahead of the store unless the store lost records.
/// </para>
/// <para>
/// A host whose records are written behind (<see cref="AuditDurability.Buffered"/>) creates its running marker when it
/// starts and removes it once its queue is written on a clean stop. A marker whose process is gone means the host
/// was killed or crashed with records queued: the calls it had answered may be missing from the ledger.
/// </para>
/// </remarks>
internal sealed class AuditHeadMark : IDisposable
{
    /// <summary>The function name of the record a host writes when it finds the ledger went back.</summary>
    public const string WentBackFunction = "lumina_audit_went_back";

    /// <summary>The function name of the record a host writes when it finds another host stopped uncleanly.</summary>
    public const string UncleanStopFunction = "lumina_audit_unclean_stop";

    private const string RunningPrefix = "audit.running-";

    // "v1 <seq, 20 digits> <hash, 64 hex>\n": always the same length, so an in-place write replaces the whole mark.
    private const int Length = 3 + 20 + 1 + 64 + 1;

    private readonly Lock _gate = new();
    private SafeFileHandle? _file;
    private long _written = -1;

    /// <summary>A mark kept in <paramref name="directory"/>.</summary>
    public AuditHeadMark(string directory)
    {
        Directory = System.IO.Path.GetFullPath(directory);
        Path = System.IO.Path.Combine(Directory, "audit.mark");
    }

    /// <summary>The data directory the mark and the markers live in.</summary>
    public string Directory { get; }

    /// <summary>The mark's file.</summary>
    public string Path { get; }

    /// <summary>This process's running marker.</summary>
    public string RunningMarker => System.IO.Path.Combine(Directory, RunningPrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Why the mark could not be written last time, until a write succeeds again.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>
    /// Records <paramref name="head"/> as committed, unless this process already marked a later one. Never throws: the
    /// records are committed whatever happens to the mark; a failure is kept in <see cref="Failure"/>.
    /// </summary>
    public void Advance(AuditHead head)
    {
        lock (_gate)
        {
            if (head.Sequence <= _written)
            {
                return;
            }

            try
            {
                if (_file is null)
                {
                    System.IO.Directory.CreateDirectory(Directory);
                    _file = File.OpenHandle(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                }

                RandomAccess.Write(_file, Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"v1 {head.Sequence:D20} {head.Hash}\n")), 0);
                _written = head.Sequence;
                Failure = null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Failure = ex;
            }
        }
    }

    /// <summary>The head last marked, or null when nothing was marked yet.</summary>
    /// <exception cref="AuditUnreadableException">The mark exists but is not one.</exception>
    public AuditHead? Read()
    {
        string text;
        try
        {
            text = File.ReadAllText(Path, Encoding.ASCII);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        var parts = text.Split(' ', '\n');
        return text.Length == Length && parts is ["v1", var seq, var hash, ""] && long.TryParse(seq, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && hash.Length == 64
            ? new AuditHead(sequence, hash)
            : throw new AuditUnreadableException($"the head mark {Path} is not a mark ('{text[..Math.Min(text.Length, 40)]}')");
    }

    /// <summary>Creates this process's running marker.</summary>
    public void MarkRunning()
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(RunningMarker, string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:O}\n"));
    }

    /// <summary>Removes this process's running marker: its queue is written.</summary>
    public void MarkStopped() => File.Delete(RunningMarker);

    /// <summary>The running markers of processes that are gone, with their process ids.</summary>
    public IReadOnlyList<(int ProcessId, string Marker)> Abandoned()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var abandoned = new List<(int, string)>();
        foreach (var marker in System.IO.Directory.EnumerateFiles(Directory, RunningPrefix + "*"))
        {
            if (int.TryParse(System.IO.Path.GetFileName(marker)[RunningPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId
                && !IsRunning(pid))
            {
                abandoned.Add((pid, marker));
            }
        }

        return abandoned;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

/// <summary>A store that advances a head mark after each commit (set by the container that knows the data directory).</summary>
internal interface IMarkedAuditLedger
{
    /// <summary>The mark advanced after each commit, if any.</summary>
    AuditHeadMark? Mark { get; set; }
}
