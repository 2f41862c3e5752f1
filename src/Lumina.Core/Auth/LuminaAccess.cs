namespace Lumina.Core.Auth;

/// <summary>What a caller asked to do with a function: the kind a refusal is recorded with.</summary>
public enum LuminaAccess
{
    /// <summary>A kernel invocation: the HTTP API, a .NET program, a tool a model calls during <c>ask</c>.</summary>
    Invoke,

    /// <summary>MCP <c>tools/call</c>.</summary>
    ToolCall,

    /// <summary>MCP <c>prompts/get</c>.</summary>
    PromptGet,

    /// <summary>MCP <c>resources/read</c>.</summary>
    ResourceRead,

    /// <summary>MCP <c>resources/subscribe</c>.</summary>
    ResourceSubscribe,

    /// <summary>MCP <c>completion/complete</c> for a prompt's or a resource template's argument.</summary>
    Completion,
}
