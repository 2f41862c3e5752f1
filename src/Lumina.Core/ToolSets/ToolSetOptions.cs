namespace Lumina.Core.ToolSets;

/// <summary>One tool set (a virtual server), bound from <c>Lumina:ToolSets:&lt;name&gt;</c>.</summary>
public sealed class ToolSetOptions
{
    /// <summary>Globs (<c>*</c>, <c>?</c>) over served names — tools, prompts, resources (<c>&lt;plugin&gt;_&lt;function&gt;</c>) and workflows — that are in the set; empty includes everything.</summary>
    public IList<string> Include { get; set; } = [];

    /// <summary>Globs over served names left out of the set; they win over <see cref="Include"/>.</summary>
    public IList<string> Exclude { get; set; } = [];

    /// <summary>New names for tools of the set, served name → name shown (and called) in the set.</summary>
    public IDictionary<string, string> Rename { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>New descriptions for tools of the set, served name → description shown in the set.</summary>
    public IDictionary<string, string> Describe { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
