using Lumina.Abstractions;

namespace Lumina.Core.Plugins;

/// <summary>Reports the upstream MCP servers a host serves, for its description and readiness.</summary>
public interface ILuminaServerStatus
{
    /// <summary>Each upstream server and how it is doing.</summary>
    IReadOnlyList<LuminaServerDescription> Describe();
}
