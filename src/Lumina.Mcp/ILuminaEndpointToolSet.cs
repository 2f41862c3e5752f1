namespace Lumina.Mcp;

/// <summary>
/// The tool set the current request's endpoint names (HTTP <c>/mcp/&lt;name&gt;</c>), for callers the transport does
/// not identify: the MCP SDK passes no user for an anonymous request, so its endpoint's set comes from here.
/// </summary>
public interface ILuminaEndpointToolSet
{
    /// <summary>The set the current request's endpoint names, or null.</summary>
    string? Current { get; }
}
