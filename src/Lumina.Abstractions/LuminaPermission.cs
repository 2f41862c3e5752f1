using System.Diagnostics.CodeAnalysis;

namespace Lumina.Abstractions;

/// <summary>What a caller may do with a function. A role grants a set of these; a function needs one.</summary>
[SuppressMessage("Naming", "CA1711", Justification = "A permission is what it names; the design calls it so.")]
public enum LuminaPermission
{
    /// <summary>Reads without changing anything (list, read, search, recall, describe).</summary>
    Read,

    /// <summary>Changes or deletes data (write, edit, move, delete, remember, forget).</summary>
    Write,

    /// <summary>Runs something whose effect is neither a plain read nor a plain write (a prompt on a model, a computation).</summary>
    Execute,

    /// <summary>Administers Lumina itself (users, keys, audit).</summary>
    Manage,
}
