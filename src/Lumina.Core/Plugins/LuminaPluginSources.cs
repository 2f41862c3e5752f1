namespace Lumina.Core.Plugins;

/// <summary>
/// The <see cref="LuminaPlugin.Source"/> values the registry's callers share: where a plugin came from decides what
/// serves its tools (the console's catalog shows workflows and upstream servers' tools apart), and a source's plugins
/// are replaced together.
/// </summary>
public static class LuminaPluginSources
{
    /// <summary>The served workflow files.</summary>
    public const string Workflows = "workflows";

    /// <summary>An upstream MCP server's tools, prompts and resources: <c>upstream:&lt;server&gt;</c>.</summary>
    public const string UpstreamPrefix = "upstream:";

    /// <summary>The source of the upstream server <paramref name="server"/>.</summary>
    public static string Upstream(string server) => UpstreamPrefix + server;
}
