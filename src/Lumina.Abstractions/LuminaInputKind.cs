namespace Lumina.Abstractions;

/// <summary>What a <see cref="LuminaInputRequest"/> asks the client for.</summary>
public enum LuminaInputKind
{
    /// <summary>An answer from the user (MCP elicitation).</summary>
    Elicitation,

    /// <summary>A completion from the client's own model (MCP sampling).</summary>
    Sampling,

    /// <summary>The client's roots.</summary>
    Roots,
}
