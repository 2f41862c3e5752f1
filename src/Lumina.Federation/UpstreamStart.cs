namespace Lumina.Federation;

/// <summary>When an upstream server is connected (<c>Lumina:Servers:&lt;name&gt;:Start</c>).</summary>
public enum UpstreamStart
{
    /// <summary>At the first list or call that needs it.</summary>
    Lazy,

    /// <summary>When the host starts (a failure there is reported, and the host serves the rest).</summary>
    Eager,
}
