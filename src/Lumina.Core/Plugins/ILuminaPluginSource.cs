namespace Lumina.Core.Plugins;

/// <summary>
/// Something that adds plugins when they are first needed (an upstream MCP server connected at the first list): asked
/// before a client is shown what it can use.
/// </summary>
public interface ILuminaPluginSource
{
    /// <summary>Adds what it has not added yet; its own failures are reported, not thrown.</summary>
    ValueTask EnsureStartedAsync(CancellationToken cancellationToken);
}
