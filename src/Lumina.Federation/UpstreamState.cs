namespace Lumina.Federation;

/// <summary>Where an upstream server's connection is.</summary>
public enum UpstreamState
{
    /// <summary>Not connected yet (a lazy server nobody has needed).</summary>
    Idle,

    /// <summary>Connecting.</summary>
    Connecting,

    /// <summary>Connected: its tools are served.</summary>
    Connected,

    /// <summary>Its connection ended; it is connected again after a pause that grows with each failure.</summary>
    Restarting,

    /// <summary>It could not be connected; <see cref="UpstreamStatus.LastError"/> says why. Tried again at the next need after the pause.</summary>
    Failed,
}
