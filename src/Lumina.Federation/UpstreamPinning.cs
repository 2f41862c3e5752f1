namespace Lumina.Federation;

/// <summary>What a changed tool descriptor does (<c>Lumina:Servers:&lt;name&gt;:Pinning</c>, rug-pull protection).</summary>
public enum UpstreamPinning
{
    /// <summary>A tool whose descriptor changed since it was pinned, or a new tool on a pinned server, is quarantined until an admin approves it.</summary>
    Strict,

    /// <summary>Changed and new tools are served; the change is logged and audited.</summary>
    Warn,

    /// <summary>Nothing is pinned or checked.</summary>
    Off,
}
