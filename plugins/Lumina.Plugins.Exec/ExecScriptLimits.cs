namespace Lumina.Plugins.Exec;

/// <summary>The limits of code mode (<c>exec_run</c> with <c>language = js</c>), bound from <c>Lumina:Exec:Script</c>.</summary>
public sealed class ExecScriptLimits
{
    /// <summary>Statements a script may run.</summary>
    /// <value>The default value is 10,000,000.</value>
    public long MaxStatements { get; set; } = 10_000_000;

    /// <summary>Memory a script may allocate, in MiB.</summary>
    /// <value>The default value is 64.</value>
    public int MemoryMb { get; set; } = 64;

    /// <summary>How deep a script's calls may nest.</summary>
    /// <value>The default value is 256.</value>
    public int MaxRecursion { get; set; } = 256;

    /// <summary>Tool calls one script may make.</summary>
    /// <value>The default value is 100.</value>
    public int MaxToolCalls { get; set; } = 100;

    internal void Validate(List<string> errors)
    {
        if (MaxStatements is < 1_000 or > 10_000_000_000)
        {
            errors.Add($"Lumina:Exec:Script:MaxStatements must be between 1000 and 10000000000 (got {MaxStatements}).");
        }

        if (MemoryMb is < 4 or > 4096)
        {
            errors.Add($"Lumina:Exec:Script:MemoryMb must be between 4 and 4096 (got {MemoryMb}).");
        }

        if (MaxRecursion is < 16 or > 10_000)
        {
            errors.Add($"Lumina:Exec:Script:MaxRecursion must be between 16 and 10000 (got {MaxRecursion}).");
        }

        if (MaxToolCalls is < 0 or > 10_000)
        {
            errors.Add($"Lumina:Exec:Script:MaxToolCalls must be between 0 and 10000 (got {MaxToolCalls}).");
        }
    }
}
