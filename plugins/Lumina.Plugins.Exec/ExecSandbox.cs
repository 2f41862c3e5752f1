namespace Lumina.Plugins.Exec;

/// <summary>What the start-up probe found: whether the exec plugin can be served here, and if not, why.</summary>
public sealed class ExecSandbox
{
    internal ExecSandbox(SandboxProbe probe) => Probe = probe;

    /// <summary>Whether runs can be sandboxed (or <c>Lumina:Exec:Sandbox=none</c> opted out), so <c>exec_run</c> is served.</summary>
    public bool Available => Probe.Available;

    /// <summary>Why the plugin is not served, or the warning that runs are not sandboxed; null when all is well.</summary>
    public string? Reason => Probe.Reason;

    /// <summary>Whether runs go without a sandbox (<c>Lumina:Exec:Sandbox=none</c>).</summary>
    public bool Unsandboxed => Probe.Available && Probe.Bubblewrap is null;

    internal SandboxProbe Probe { get; }
}
