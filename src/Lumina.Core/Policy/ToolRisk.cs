using Lumina.Abstractions;

namespace Lumina.Core.Policy;

/// <summary>How much harm a call can do, from its tool annotations (<see cref="LuminaToolAttribute"/>).</summary>
public enum ToolRisk
{
    /// <summary>It only reads.</summary>
    ReadOnly,

    /// <summary>It changes something, but destroys nothing (and functions that declare nothing).</summary>
    Mutating,

    /// <summary>It may delete or overwrite data: the user confirms each call.</summary>
    Destructive,

    /// <summary>It reaches outside this host.</summary>
    OpenWorld,
}
