using System.Text.Json;
using Lumina.Abstractions;

namespace Lumina.Core.Plugins;

/// <summary>
/// A kernel function that is no method of a plugin class (a tool of an upstream MCP server): it says itself how it is
/// served, what it needs and what it risks, where a method says it with attributes.
/// </summary>
public interface ILuminaDescribedFunction
{
    /// <summary>How it is served as a tool: its served name, title, hints and input schema.</summary>
    LuminaToolAttribute Tool { get; }

    /// <summary>The permission a caller needs to call it.</summary>
    LuminaPermission Permission { get; }

    /// <summary>Its output schema, if it has one.</summary>
    JsonElement? OutputSchema { get; }

    /// <summary>The tool as its server describes it (MCP tool JSON): served as it is, but for the name.</summary>
    JsonElement Descriptor { get; }

    /// <summary>
    /// Why it is quarantined (its descriptor changed since it was approved, or it reads like an instruction to the
    /// model), or <see langword="null"/>: a quarantined function is listed to nobody and refuses every call.
    /// </summary>
    string? Quarantined { get; }
}
