namespace Lumina.Host.Cli.Connect;

/// <summary>The MCP clients <c>lumina connect</c> configures.</summary>
internal enum ConnectClient
{
    VsCode,
    Claude,
    Cursor,
    Inspector,
}

/// <summary>Where a client's configuration applies: every project of the user, or the current folder only.</summary>
internal enum ConnectScope
{
    User,
    Workspace,
}

/// <summary>
/// The file each client reads its MCP servers from, per operating system and scope, as the clients document them:
/// VS Code's <c>mcp.json</c> in its user folder or <c>.vscode/mcp.json</c>; Claude Desktop's
/// <c>claude_desktop_config.json</c> (user) or Claude Code's project <c>.mcp.json</c> (workspace); Cursor's
/// <c>~/.cursor/mcp.json</c> or <c>.cursor/mcp.json</c>. The MCP Inspector has no file.
/// </summary>
internal static class ClientConfigLocation
{
    /// <summary>The file for <paramref name="client"/> in <paramref name="scope"/> on <paramref name="platform"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The inspector, which is given its server on its command line.</exception>
    public static string For(ConnectClient client, ConnectScope scope, ClientPlatform platform) => (client, scope) switch
    {
        (ConnectClient.VsCode, ConnectScope.User) => platform.Combine(UserSettingsFolder(platform), "Code", "User", "mcp.json"),
        (ConnectClient.VsCode, ConnectScope.Workspace) => platform.Combine(platform.CurrentDirectory, ".vscode", "mcp.json"),
        (ConnectClient.Claude, ConnectScope.User) => platform.Combine(UserSettingsFolder(platform), "Claude", "claude_desktop_config.json"),
        (ConnectClient.Claude, ConnectScope.Workspace) => platform.Combine(platform.CurrentDirectory, ".mcp.json"),
        (ConnectClient.Cursor, ConnectScope.User) => platform.Combine(platform.Home, ".cursor", "mcp.json"),
        (ConnectClient.Cursor, ConnectScope.Workspace) => platform.Combine(platform.CurrentDirectory, ".cursor", "mcp.json"),
        _ => throw new ArgumentOutOfRangeException(nameof(client), client, "The MCP Inspector has no configuration file."),
    };

    /// <summary>
    /// The folder desktop applications keep their settings in: <c>%APPDATA%</c> (Windows), <c>~/Library/Application
    /// Support</c> (macOS), <c>$XDG_CONFIG_HOME</c> or <c>~/.config</c> (Linux), as Electron's <c>appData</c> resolves it.
    /// </summary>
    private static string UserSettingsFolder(ClientPlatform platform) => platform.Os switch
    {
        ClientOs.Windows => NonEmpty(platform.Environment("APPDATA")) ?? platform.Combine(platform.Home, "AppData", "Roaming"),
        ClientOs.MacOS => platform.Combine(platform.Home, "Library", "Application Support"),
        _ => NonEmpty(platform.Environment("XDG_CONFIG_HOME")) is { } xdg && xdg.StartsWith('/') ? xdg : platform.Combine(platform.Home, ".config"),
    };

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
