namespace Lumina.Plugins.Exec;

/// <summary>The host directories of one run: <see cref="Root"/> holds <see cref="Scratch"/> (mounted writable at <c>/scratch</c>) and <see cref="Code"/> (the program's source, mounted read-only).</summary>
/// <param name="Id">The run's id (also its directory's name).</param>
/// <param name="Root">The run's own directory.</param>
internal sealed record RunDirectory(string Id, string Root)
{
    /// <summary>The run's scratch directory.</summary>
    public string Scratch => Path.Combine(Root, "scratch");

    /// <summary>The folder the run's code is written to.</summary>
    public string Code => Path.Combine(Root, "code");
}
