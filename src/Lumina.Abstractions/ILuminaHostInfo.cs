namespace Lumina.Abstractions;

/// <summary>Describes the running host: what it is and what it serves.</summary>
public interface ILuminaHostInfo
{
    /// <summary>A snapshot of the host's description.</summary>
    LuminaHostDescription Describe();
}
