namespace Lumina.Workflows.Serving;

/// <summary>A workflow file as served: its definition, its YAML text and where it came from.</summary>
/// <param name="Definition">The parsed, validated definition.</param>
/// <param name="Text">The file's text, kept with each run.</param>
/// <param name="Path">The file.</param>
public sealed record LoadedWorkflow(WorkflowDefinition Definition, string Text, string Path);
