using System.Text.Json;

namespace Lumina.Workflows;

/// <summary>The tools a workflow may call, with the JSON schemas of their arguments, as the validator checks them.</summary>
public interface IWorkflowCatalog
{
    /// <summary>Every tool name, for "did you mean" suggestions.</summary>
    IEnumerable<string> Names { get; }

    /// <summary>Finds the tool named <paramref name="toolName"/> and the JSON schema of its arguments.</summary>
    bool TryGet(string toolName, out JsonElement inputSchema);
}
