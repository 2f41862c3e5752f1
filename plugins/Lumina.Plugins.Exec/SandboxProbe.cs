using System.Diagnostics;

namespace Lumina.Plugins.Exec;

/// <summary>
/// Whether runs can be sandboxed on this machine, found once at start by running an empty program in the sandbox
/// exactly as a run would be: bubblewrap installed, user namespaces allowed, <c>prlimit</c> present and — when Lumina
/// runs as root — <c>setpriv</c> to drop to nobody. Where it fails the exec plugin is not served, and
/// <see cref="Reason"/> is what the start-up log says.
/// </summary>
/// <param name="Available">Whether the exec plugin can be served.</param>
/// <param name="Reason">Why not, or (with <c>Lumina:Exec:Sandbox=none</c>) the warning to log.</param>
/// <param name="Bubblewrap">The <c>bwrap</c> program.</param>
/// <param name="Setpriv">The <c>setpriv</c> program when Lumina runs as root (runs start as nobody); otherwise null.</param>
internal sealed record SandboxProbe(bool Available, string? Reason, string? Bubblewrap, string? Setpriv)
{
    private const string Install = "install bubblewrap (Debian and Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap)";

    /// <summary>Finds out whether runs can be sandboxed with <paramref name="options"/>.</summary>
    public static SandboxProbe Run(ExecOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Sandboxed)
        {
            return new SandboxProbe(true, "Lumina:Exec:Sandbox=none: exec_run runs commands WITHOUT a sandbox, as the host's own user, with the host's files and network. Use it only on a machine that is itself disposable.", null, null);
        }

        if (!OperatingSystem.IsLinux())
        {
            return Unavailable("the sandbox (bubblewrap) runs on Linux only");
        }

        var bwrap = string.IsNullOrWhiteSpace(options.BubblewrapPath) ? Which("bwrap") : options.BubblewrapPath;
        if (bwrap is null || !File.Exists(bwrap))
        {
            return Unavailable($"bubblewrap (bwrap) is not installed{(options.BubblewrapPath is null ? string.Empty : $" at {options.BubblewrapPath}")}: {Install}");
        }

        if (!File.Exists(SandboxCommand.Prlimit))
        {
            return Unavailable($"{SandboxCommand.Prlimit} (util-linux) is missing: the sandbox sets its rlimits with it");
        }

        string? setpriv = null;
        if (Environment.IsPrivilegedProcess && (setpriv = Which("setpriv")) is null)
        {
            return Unavailable("Lumina runs as root and setpriv (util-linux) is missing: the sandbox would run as root outside its namespace");
        }

        var probe = new SandboxProbe(true, null, bwrap, setpriv);
        return probe.Try(options);
    }

    private static SandboxProbe Unavailable(string reason) => new(false, reason, null, null);

    private SandboxProbe Try(ExecOptions options)
    {
        var root = Path.Combine(Path.GetTempPath(), "lumina-exec-probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            var run = RunDirectories.Create(root, "probe");
            var start = SandboxCommand.Create(options, this, run, [], [], ["/bin/true"]);
            using var process = new Process { StartInfo = start };
            ProcessSpawner.StartAsync(process).GetAwaiter().GetResult();
            process.StandardInput.Close();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(15)))
            {
                process.Kill(entireProcessTree: true);
                return Unavailable($"bubblewrap ({Bubblewrap}) did not finish an empty run in 15 s");
            }

            return process.ExitCode == 0
                ? this
                : Unavailable($"bubblewrap ({Bubblewrap}) cannot make a sandbox here (exit {process.ExitCode}: {error.Result.Trim()}); user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone=1, or user.max_user_namespaces > 0)");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return Unavailable($"bubblewrap ({Bubblewrap}) could not be started: {ex.Message}");
        }
        finally
        {
            RunDirectories.Delete(root);
        }
    }

    /// <summary>The full path of <paramref name="program"/> on <c>PATH</c> (or the usual system directories).</summary>
    internal static string? Which(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"])
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }
}
