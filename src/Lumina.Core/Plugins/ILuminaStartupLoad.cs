namespace Lumina.Core.Plugins;

/// <summary>
/// Plugins loaded beside the rest of the host's start (the workflow files): the MCP catalog starts the load before it
/// creates the other plugins and waits for it before it first serves, so a client connecting at start never sees the
/// catalog change under it.
/// </summary>
public interface ILuminaStartupLoad
{
    /// <summary>Starts the load if nothing has yet (it runs once) and returns it; it ends when the plugins it found are added.</summary>
    Task LoadAsync();
}
