namespace Lumina.Abstractions;

/// <summary>Whether a tool runs as a task for clients of the tasks extension (<see cref="LuminaToolAttribute.TaskSupport"/>).</summary>
public enum LuminaTaskSupport
{
    /// <summary>The call always answers in its request.</summary>
    None,

    /// <summary>A task for a client that speaks the extension; an ordinary call for one that does not.</summary>
    Optional,

    /// <summary>Only as a task: a client that does not speak the extension is refused before the function runs.</summary>
    Required,
}
