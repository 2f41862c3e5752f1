using System.Text.Json;
using Lumina.Abstractions;

namespace Lumina.Workflows;

/// <summary>An <see cref="IWorkflowCatalog"/> over a fixed set of tools, such as <see cref="ILuminaTools.List"/> returns.</summary>
public sealed class WorkflowCatalog : IWorkflowCatalog
{
    private readonly Dictionary<string, JsonElement> _tools;

    /// <summary>Creates a catalog of <paramref name="tools"/>: tool name → JSON schema of its arguments.</summary>
    public WorkflowCatalog(IEnumerable<KeyValuePair<string, JsonElement>> tools) =>
        _tools = new Dictionary<string, JsonElement>(tools, StringComparer.Ordinal);

    /// <summary>Creates a catalog of the tools <see cref="ILuminaTools"/> lists.</summary>
    public WorkflowCatalog(IEnumerable<LuminaToolInfo> tools)
        : this(tools.Select(t => KeyValuePair.Create(t.Name, t.InputSchema)))
    {
    }

    /// <summary>This catalog with <paramref name="workflows"/> added as the tools <c>workflow_&lt;name&gt;</c>.</summary>
    public WorkflowCatalog With(IEnumerable<WorkflowDefinition> workflows) =>
        new(_tools.Concat(workflows.Select(w => KeyValuePair.Create(w.ToolName, w.InputSchema()))));

    /// <inheritdoc />
    public IEnumerable<string> Names => _tools.Keys;

    /// <inheritdoc />
    public bool TryGet(string toolName, out JsonElement inputSchema) => _tools.TryGetValue(toolName, out inputSchema);
}
