using System.Text.Json.Nodes;
using Lumina.Host.Http;

namespace Lumina.Host.Cli.Connect;

/// <summary>What the user asked <c>lumina connect</c> for.</summary>
/// <param name="Settings">Configuration overrides given on the command line (<c>--Section:Key=value</c>), passed on to the server.</param>
internal sealed record ConnectRequest(ConnectClient Client, ConnectScope Scope, bool Http, string Url, string Name, IReadOnlyList<string> Settings);

/// <summary>
/// One server entry in a client's own format: the object that holds the servers (<c>servers</c> for VS Code,
/// <c>mcpServers</c> for the others), the entry under <see cref="Name"/>, a VS Code input it refers to, and notes the
/// user needs to make it work (a key to create, a server to start).
/// </summary>
internal sealed record ClientEntry(string ServersKey, string Name, JsonObject Server, JsonObject? Input, IReadOnlyList<string> Notes)
{
    /// <summary>The id of VS Code's password input for the HTTP entry's key.</summary>
    public const string InputId = "lumina-key";

    /// <summary>The environment variable Claude Code and Cursor read the HTTP entry's key from.</summary>
    public const string KeyVariable = "LUMINA_API_KEY";

    /// <summary>The server's setting for the folders the files plugin may touch.</summary>
    private const string RootsSetting = "Lumina:Files:Roots";

    /// <summary>A whole configuration holding only this entry: what <c>lumina connect</c> prints.</summary>
    public JsonObject Document()
    {
        var document = new JsonObject { [ServersKey] = new JsonObject { [Name] = Server.DeepClone() } };
        if (Input is not null)
        {
            document["inputs"] = new JsonArray(Input.DeepClone());
        }

        return document;
    }

    /// <summary>
    /// The entry for <paramref name="request"/>. A workspace gets the folder as a files root: <c>${workspaceFolder}</c>
    /// where the client expands it (VS Code, Cursor), else the current folder's absolute path (Claude Code, the
    /// inspector). The user scope adds no root: stdio clients send their MCP roots (open folders) themselves.
    /// </summary>
    public static ClientEntry For(ConnectRequest request, LuminaLaunch launch, ClientPlatform platform)
    {
        var serversKey = request.Client == ConnectClient.VsCode ? "servers" : "mcpServers";
        return request.Http ? Http(request, serversKey) : Stdio(request, launch, platform, serversKey);
    }

    /// <summary>The arguments lumina is started with: the launcher's, the workspace root, then the user's settings.</summary>
    public static List<string> ServerArguments(ConnectRequest request, LuminaLaunch launch, ClientPlatform platform)
    {
        var arguments = new List<string>(launch.Arguments);
        var rootGiven = request.Settings.Any(s => s.TrimStart('-').StartsWith(RootsSetting, StringComparison.OrdinalIgnoreCase));
        if (request.Scope == ConnectScope.Workspace && !rootGiven)
        {
            var folder = request.Client is ConnectClient.VsCode or ConnectClient.Cursor ? "${workspaceFolder}" : platform.CurrentDirectory;
            arguments.Add($"--{RootsSetting}:0={folder}");
        }

        arguments.AddRange(request.Settings);
        return arguments;
    }

    private static ClientEntry Stdio(ConnectRequest request, LuminaLaunch launch, ClientPlatform platform, string serversKey)
    {
        var server = new JsonObject();
        // VS Code requires the type; Claude Code's project file documents it; Claude Desktop and Cursor go without.
        if (request.Client == ConnectClient.VsCode || request is { Client: ConnectClient.Claude, Scope: ConnectScope.Workspace })
        {
            server["type"] = "stdio";
        }

        server["command"] = launch.Command;
        server["args"] = new JsonArray([.. ServerArguments(request, launch, platform).Select(a => (JsonNode?)JsonValue.Create(a))]);
        return new(serversKey, request.Name, server, null, []);
    }

    private static ClientEntry Http(ConnectRequest request, string serversKey)
    {
        var start = $"Start the server with 'lumina --http' (it listens on {HttpServer.DefaultUrl}; --urls to change that).";
        var key = "Every call over HTTP needs an API key: create one with 'lumina keys create <user> --expires 90d' (printed once, lum_…; see docs/auth.md).";
        return request.Client switch
        {
            ConnectClient.VsCode => new(serversKey, request.Name,
                new JsonObject { ["type"] = "http", ["url"] = request.Url, ["headers"] = Bearer($"${{input:{InputId}}}") },
                new JsonObject
                {
                    ["type"] = "promptString",
                    ["id"] = InputId,
                    ["description"] = "A Lumina API key (lum_…, from 'lumina keys create') or token (POST /token)",
                    ["password"] = true,
                },
                [start, key, "VS Code asks for it when it first starts the server and keeps it in its secret storage."]),
            ConnectClient.Claude => new(serversKey, request.Name,
                new JsonObject { ["type"] = "http", ["url"] = request.Url, ["headers"] = Bearer($"${{{KeyVariable}}}") },
                null,
                [start, key, $"Claude Code reads it from the environment variable {KeyVariable} of the shell it starts from."]),
            _ => new(serversKey, request.Name,
                new JsonObject { ["url"] = request.Url, ["headers"] = Bearer($"${{env:{KeyVariable}}}") },
                null,
                [start, key, $"Cursor reads it from the environment variable {KeyVariable}; set it where Cursor is started from."]),
        };
    }

    private static JsonObject Bearer(string value) => new() { ["Authorization"] = $"Bearer {value}" };
}
