namespace Lumina.Core.Plugins;

/// <summary>How a kernel function is served.</summary>
public enum LuminaFunctionKind
{
    /// <summary>A native function served as a tool.</summary>
    Tool,

    /// <summary>A prompt template: served as a prompt and as a tool that runs it on a model.</summary>
    PromptTemplate,

    /// <summary>A native function that builds prompt messages (<c>[LuminaPrompt]</c>): served as a prompt.</summary>
    Prompt,

    /// <summary>A native function that reads a resource (<c>[LuminaResource]</c>): served as a resource or template.</summary>
    Resource,
}
