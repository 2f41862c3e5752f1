namespace Lumina.Workflows.Serving;

/// <summary>The URIs workflows are served under.</summary>
public static class WorkflowResources
{
    /// <summary>A run's state: <c>workflow://runs/{id}</c>.</summary>
    public static string RunUri(string runId) => "workflow://runs/" + runId;

    /// <summary>A workflow's definition: <c>workflow://definitions/{name}</c>.</summary>
    public static string DefinitionUri(string name) => "workflow://definitions/" + name;
}
