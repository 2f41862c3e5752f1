namespace Lumina.Plugins.Exec;

/// <summary>The resource limits (rlimits) of every process of a run, bound from <c>Lumina:Exec:Limits</c>.</summary>
public sealed class ExecLimits
{
    /// <summary>CPU seconds per process (<c>RLIMIT_CPU</c>).</summary>
    /// <value>The default value is 30.</value>
    public int CpuSeconds { get; set; } = 30;

    /// <summary>Address space per process, in MiB (<c>RLIMIT_AS</c>).</summary>
    /// <value>The default value is 1024.</value>
    public int AddressSpaceMb { get; set; } = 1024;

    /// <summary>Processes (and threads) the sandbox's user may have at once inside its namespace (<c>RLIMIT_NPROC</c>): what stops a fork bomb.</summary>
    /// <value>The default value is 64.</value>
    public int Processes { get; set; } = 64;

    /// <summary>The largest file a process may write, in MiB (<c>RLIMIT_FSIZE</c>).</summary>
    /// <value>The default value is 64.</value>
    public int FileSizeMb { get; set; } = 64;

    /// <summary>Open files per process (<c>RLIMIT_NOFILE</c>).</summary>
    /// <value>The default value is 256.</value>
    public int OpenFiles { get; set; } = 256;

    internal void Validate(List<string> errors)
    {
        Check(errors, CpuSeconds, 1, 86_400, "CpuSeconds");
        Check(errors, AddressSpaceMb, 64, 1024 * 1024, "AddressSpaceMb");
        Check(errors, Processes, 4, 65_536, "Processes");
        Check(errors, FileSizeMb, 1, 1024 * 1024, "FileSizeMb");
        Check(errors, OpenFiles, 16, 1_048_576, "OpenFiles");
    }

    private static void Check(List<string> errors, long value, long min, long max, string name)
    {
        if (value < min || value > max)
        {
            errors.Add($"Lumina:Exec:Limits:{name} must be between {min} and {max} (got {value}).");
        }
    }
}
