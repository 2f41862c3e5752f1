using System.Diagnostics;
using System.Globalization;
using Lumina.Abstractions;

namespace Lumina.Plugins.Exec;

/// <summary>
/// The command line of one sandboxed run: <c>bwrap</c> with namespaces of its own (user, PID, IPC, UTS, cgroup and —
/// unless <c>Lumina:Exec:Network=host</c> — network), the system directories read-only, the allowed roots read-only
/// (or writable), the run's scratch directory at <c>/scratch</c>, nothing else of the host's file system, an
/// environment built from nothing, and <c>prlimit</c> setting the run's rlimits before the program starts.
/// </summary>
/// <remarks>
/// When Lumina runs as root, bubblewrap itself is started as the unprivileged <c>nobody</c> (65534) through
/// <c>setpriv</c>, so the sandbox's processes are nobody outside their namespace too, and <c>RLIMIT_NPROC</c> (which
/// root is exempt from) binds.
/// </remarks>
internal static class SandboxCommand
{
    /// <summary>The uid and gid a run has inside the sandbox (and outside when Lumina runs as root).</summary>
    public const int SandboxId = 65534;

    /// <summary>Where the run's scratch directory is inside the sandbox; the working directory and <c>HOME</c>.</summary>
    public const string ScratchPath = "/scratch";

    /// <summary>Where the run's code is inside the sandbox (read-only).</summary>
    public const string CodePath = "/run/lumina";

    private const string SearchPath = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>System files a program needs to start (dynamic linker cache, certificates, time zone, interpreter alternatives), each mounted read-only when it exists. Never <c>/etc</c> as a whole.</summary>
    private static readonly string[] s_systemFiles =
    [
        "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/ssl", "/etc/ca-certificates",
        "/etc/localtime", "/etc/nsswitch.conf", "/etc/mime.types", "/etc/python3", "/etc/python3.11",
    ];

    /// <summary>Files only a run with the host's network gets: name resolution.</summary>
    private static readonly string[] s_networkFiles = ["/etc/resolv.conf", "/etc/hosts", "/etc/gai.conf"];

    /// <summary>The start information of one run.</summary>
    /// <param name="options">The plugin's settings.</param>
    /// <param name="sandbox">Where <c>bwrap</c> and <c>setpriv</c> are (sandboxed runs).</param>
    /// <param name="run">The run's host directories.</param>
    /// <param name="roots">The allowed roots (real paths), mounted at the same paths.</param>
    /// <param name="protectedFolders">The host's own folders (real paths): hidden under an empty read-only tmpfs wherever a root would show them.</param>
    /// <param name="program">The program and its arguments, as seen inside the sandbox.</param>
    public static ProcessStartInfo Create(ExecOptions options, SandboxProbe sandbox, RunDirectory run, IReadOnlyList<string> roots, IReadOnlyList<string> protectedFolders, IReadOnlyList<string> program)
    {
        var limited = Limited(options.Limits, program);
        if (!options.Sandboxed)
        {
            // Lumina:Exec:Sandbox=none: the host's file system and network, the same rlimits and clean environment.
            var bare = Start(limited[0], limited.Skip(1));
            bare.WorkingDirectory = run.Scratch;
            bare.Environment["HOME"] = run.Scratch;
            bare.Environment["TMPDIR"] = run.Scratch;
            bare.Environment["LUMINA_SCRATCH"] = run.Scratch;
            return bare;
        }

        var args = new List<string>();
        var outer = sandbox.Bubblewrap ?? throw new InvalidOperationException("The sandbox has no bwrap program.");
        if (sandbox.Setpriv is { } setpriv)
        {
            args.AddRange([$"--reuid={SandboxId}", $"--regid={SandboxId}", "--clear-groups", "--", outer]);
            outer = setpriv;
        }

        args.AddRange(Arguments(options, run, roots, protectedFolders));
        args.Add("--");
        args.AddRange(limited);
        var start = Start(outer, args);
        return start;
    }

    /// <summary>bubblewrap's own arguments (without the program).</summary>
    internal static List<string> Arguments(ExecOptions options, RunDirectory run, IReadOnlyList<string> roots, IReadOnlyList<string> protectedFolders)
    {
        var id = SandboxId.ToString(CultureInfo.InvariantCulture);
        var args = new List<string>
        {
            "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session",
            "--uid", id, "--gid", id, "--hostname", "lumina-sandbox",
        };
        if (!options.HostNetwork)
        {
            args.Add("--unshare-net");
        }

        // The system: /usr read-only; on a merged-/usr system /bin, /lib, /lib64 and /sbin are links into it.
        args.AddRange(["--ro-bind", "/usr", "/usr"]);
        foreach (var top in new[] { "bin", "sbin", "lib", "lib32", "lib64", "libx32" })
        {
            var path = "/" + top;
            var info = new DirectoryInfo(path);
            if (info.LinkTarget is { } target)
            {
                args.AddRange(["--symlink", target, path]);
            }
            else if (info.Exists)
            {
                args.AddRange(["--ro-bind", path, path]);
            }
        }

        foreach (var file in options.HostNetwork ? s_systemFiles.Concat(s_networkFiles) : s_systemFiles)
        {
            args.AddRange(["--ro-bind-try", file, file]);
        }

        args.AddRange(["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]);
        foreach (var root in roots)
        {
            args.AddRange([options.WritableRoots ? "--bind" : "--ro-bind", root, root]);
        }

        args.AddRange(["--bind", run.Scratch, ScratchPath, "--ro-bind", run.Code, CodePath]);

        // The host's folders (data directory, program, plugin folders) stay out of sight wherever a root holds them.
        foreach (var folder in protectedFolders)
        {
            if (roots.Any(root => LuminaRoots.Contains(root, folder)) && Directory.Exists(folder))
            {
                args.AddRange(["--tmpfs", folder, "--remount-ro", folder]);
            }
        }

        args.AddRange(["--chdir", ScratchPath, "--clearenv",
            "--setenv", "PATH", SearchPath, "--setenv", "HOME", ScratchPath, "--setenv", "TMPDIR", "/tmp",
            "--setenv", "LANG", "C.UTF-8", "--setenv", "LUMINA_SCRATCH", ScratchPath]);
        return args;
    }

    /// <summary><paramref name="program"/> behind <c>prlimit</c> with the run's limits.</summary>
    internal static List<string> Limited(ExecLimits limits, IReadOnlyList<string> program)
    {
        const long Mib = 1024 * 1024;
        var list = new List<string>
        {
            Prlimit,
            Invariant($"--cpu={limits.CpuSeconds}"),
            Invariant($"--as={limits.AddressSpaceMb * Mib}"),
            Invariant($"--nproc={limits.Processes}"),
            Invariant($"--fsize={limits.FileSizeMb * Mib}"),
            Invariant($"--nofile={limits.OpenFiles}"),
            "--core=0",
            "--",
        };
        list.AddRange(program);
        return list;
    }

    /// <summary>util-linux's <c>prlimit</c>, inside the sandbox's <c>/usr</c>.</summary>
    internal const string Prlimit = "/usr/bin/prlimit";

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A start with an environment that holds nothing of the host's: only <c>PATH</c> and <c>LANG</c>.</summary>
    private static ProcessStartInfo Start(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        start.Environment["PATH"] = SearchPath;
        start.Environment["LANG"] = "C.UTF-8";
        return start;
    }
}
