namespace Lumina.Plugins.Exec;

/// <summary>Settings of the exec plugin, bound from <c>Lumina:Exec</c>.</summary>
public sealed class ExecOptions
{
    /// <summary>The sandbox runs go through: <c>bubblewrap</c>, or <c>none</c> — an explicit opt-out for machines that are themselves disposable, logged loudly at every start.</summary>
    /// <value>The default value is <c>bubblewrap</c>.</value>
    public string Sandbox { get; set; } = "bubblewrap";

    /// <summary>The <c>bwrap</c> program; empty looks it up on <c>PATH</c>.</summary>
    public string? BubblewrapPath { get; set; }

    /// <summary><c>none</c> (a network namespace of its own: no interface but an unconfigured loopback) or <c>host</c> (the host's network, and its DNS settings).</summary>
    /// <value>The default value is <c>none</c>.</value>
    public string Network { get; set; } = "none";

    /// <summary>Whether the allowed roots (<c>Lumina:Files:Roots</c> and the client's roots, as the files plugin opens them) are mounted writable; otherwise read-only.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool WritableRoots { get; set; }

    /// <summary>How long a run's scratch directory is kept after it ends, readable by the same caller as the resource <c>exec://runs/{run}/{path}</c>; zero deletes it when the run ends.</summary>
    /// <value>The default value is zero.</value>
    public TimeSpan KeepScratch { get; set; } = TimeSpan.Zero;

    /// <summary>Where the per-run directories are made; empty is <c>lumina-exec</c> under the system's temporary folder. Never inside the data directory.</summary>
    public string? ScratchDirectory { get; set; }

    /// <summary>How long a run may take when the call names no timeout.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest timeout a call may ask for.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The most bytes of stdout, and of stderr, returned; the rest is dropped and a marker says how much.</summary>
    /// <value>The default value is 64 KiB (65536).</value>
    public int OutputBytes { get; set; } = 64 * 1024;

    /// <summary>The most bytes a run may write to stdout and stderr together before it is stopped (output past <see cref="OutputBytes"/> is read and dropped until then).</summary>
    /// <value>The default value is 16 MiB.</value>
    public long MaxOutputBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>How many runs may go at once; more wait for a slot.</summary>
    /// <value>The default value is 4.</value>
    public int MaxConcurrentRuns { get; set; } = 4;

    /// <summary>The resource limits of every process of a run.</summary>
    public ExecLimits Limits { get; set; } = new();

    /// <summary>The limits of code mode (<c>language = js</c>).</summary>
    public ExecScriptLimits Script { get; set; } = new();

    /// <summary>
    /// The configured roots (<c>Lumina:Files:Roots</c>), copied in by <c>AddExecOptions</c>: the exec plugin opens the
    /// same folders as the files plugin.
    /// </summary>
    internal IList<string> Roots { get; set; } = [];

    /// <summary>Whether runs go through bubblewrap (<see cref="Sandbox"/> is not <c>none</c>).</summary>
    internal bool Sandboxed => !string.Equals(Sandbox, "none", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether runs share the host's network.</summary>
    internal bool HostNetwork => string.Equals(Network, "host", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks the settings.</summary>
    /// <returns>One message per problem, each naming the setting; empty when all is well.</returns>
    public static IReadOnlyList<string> Validate(ExecOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Sandbox is not null && !options.Sandbox.Equals("bubblewrap", StringComparison.OrdinalIgnoreCase) && !options.Sandbox.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Lumina:Exec:Sandbox must be bubblewrap or none (got '{options.Sandbox}').");
        }

        if (options.Network is not null && !options.Network.Equals("none", StringComparison.OrdinalIgnoreCase) && !options.Network.Equals("host", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Lumina:Exec:Network must be none or host (got '{options.Network}').");
        }

        if (options.KeepScratch < TimeSpan.Zero || options.KeepScratch > TimeSpan.FromDays(7))
        {
            errors.Add("Lumina:Exec:KeepScratch must be between 00:00:00 (delete at once) and 7 days.");
        }

        if (!string.IsNullOrEmpty(options.ScratchDirectory) && !Path.IsPathFullyQualified(options.ScratchDirectory))
        {
            errors.Add($"Lumina:Exec:ScratchDirectory ('{options.ScratchDirectory}') must be an absolute path.");
        }

        if (options.MaxTimeout <= TimeSpan.Zero || options.MaxTimeout > TimeSpan.FromHours(1))
        {
            errors.Add("Lumina:Exec:MaxTimeout must be positive and at most 1 hour.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > options.MaxTimeout)
        {
            errors.Add("Lumina:Exec:Timeout must be positive and at most Lumina:Exec:MaxTimeout.");
        }

        if (options.OutputBytes < 256 || options.OutputBytes > 16 * 1024 * 1024)
        {
            errors.Add("Lumina:Exec:OutputBytes must be between 256 and 16777216 (16 MiB).");
        }

        if (options.MaxOutputBytes < options.OutputBytes * 2L)
        {
            errors.Add("Lumina:Exec:MaxOutputBytes must be at least twice Lumina:Exec:OutputBytes.");
        }

        if (options.MaxConcurrentRuns is < 1 or > 256)
        {
            errors.Add("Lumina:Exec:MaxConcurrentRuns must be between 1 and 256.");
        }

        if (options.Limits is null || options.Script is null)
        {
            errors.Add("Lumina:Exec:Limits and Lumina:Exec:Script must be sections (they may be empty).");
        }
        else
        {
            options.Limits.Validate(errors);
            options.Script.Validate(errors);
        }

        return errors;
    }
}
