using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Host.Http;

namespace Lumina.Host.Cli.Connect;

/// <summary>
/// <c>lumina connect vscode | claude | cursor | inspector [--http] [--scope user|workspace] [--write]</c>: the
/// configuration a client needs to start (stdio) or reach (HTTP) this lumina, printed, or merged into the client's own
/// file with <c>--write</c>. Exit codes: 0 done, 1 the file cannot be used or written (nothing changed), 2 a usage error.
/// </summary>
internal static class ConnectCommand
{
    /// <summary>The exit code of a file that cannot be read, used or written.</summary>
    public const int FileExitCode = 1;

    /// <summary>The exit code of a usage mistake, as for the tree's own.</summary>
    public const int UsageExitCode = 2;

    private static readonly JsonSerializerOptions s_print = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(Func<string[]> configuration)
    {
        var client = new Argument<string>("client") { Description = "vscode, claude (Claude Desktop; Claude Code with --scope workspace), cursor or inspector." };
        client.AcceptOnlyFromAmong("vscode", "claude", "cursor", "inspector");
        var http = new Option<bool>("--http") { Description = "Connect to a running 'lumina --http' instead of letting the client start lumina over stdio." };
        var url = new Option<string>("--url") { Description = $"With --http: the MCP endpoint (default {HttpServer.DefaultUrl}/mcp); implies --http.", HelpName = "URL" };
        var scope = new Option<string>("--scope") { Description = "user (every project; the default) or workspace (the current folder, which becomes a files root).", HelpName = "user|workspace" };
        scope.AcceptOnlyFromAmong("user", "workspace");
        var write = new Option<bool>("--write") { Description = "Merge the entry into the client's file (other servers and keys kept, a backup made) instead of printing it." };
        var file = new Option<string>("--file") { Description = "With --write: this file instead of the client's usual one (e.g. VS Code Insiders' mcp.json).", HelpName = "path" };
        var name = new Option<string>("--name") { Description = "The entry's name (default lumina, or lumina-http with --http).", HelpName = "name" };
        var toolSet = new Option<string>("--toolset") { Description = "Serve only the tool set Lumina:ToolSets:<name> (stdio: --toolset <name>; HTTP: the endpoint /mcp/<name>).", HelpName = "name" };
        var connect = new Command("connect", "Configure an MCP client to use lumina: print its configuration, or merge it into the client's file with --write.")
        {
            client, http, url, scope, write, file, name, toolSet,
        };
        connect.Validators.Add(result =>
        {
            var which = result.GetValue(client);
            var overHttp = result.GetValue(http) || result.GetValue(url) is not null;
            if (which == "inspector" && (result.GetValue(write) || result.GetValue(file) is not null))
            {
                result.AddError("the MCP Inspector has no configuration file: run the line 'lumina connect inspector' prints.");
            }
            else if (result.GetValue(file) is not null && !result.GetValue(write))
            {
                result.AddError("--file is where --write writes; add --write.");
            }

            if (which == "claude" && overHttp && result.GetValue(scope) != "workspace")
            {
                result.AddError("Claude Desktop starts its servers over stdio only: drop --http (it then starts lumina itself), "
                    + "or use --scope workspace for Claude Code's .mcp.json, which connects over HTTP.");
            }

            if (result.GetValue(url) is not null && result.GetValue(toolSet) is { } set)
            {
                result.AddError($"--toolset with --url: give the tool set's own endpoint as --url (…/mcp/{set}), or --toolset alone.");
            }

            if (result.GetValue(name) is { } entryName && !(entryName.Length > 0 && char.IsAsciiLetter(entryName[0]) && entryName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            {
                result.AddError($"--name '{entryName}': a server name starts with a letter and holds only letters, digits, '-', '_' and '.'.");
            }

            if (result.GetValue(url) is { } address && !(Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                result.AddError($"--url '{address}' is not an http:// or https:// address.");
            }
        });
        connect.SetAction((result, _) =>
        {
            var machine = ClientPlatform.Current;
            var overHttp = result.GetValue(http) || result.GetValue(url) is not null;
            var set = result.GetValue(toolSet);
            List<string> settings = [.. configuration().Select(s => s.StartsWith('-') ? s : $"--{s}")];
            if (set is not null && !overHttp)
            {
                settings.AddRange(["--toolset", set]);
            }

            var request = new ConnectRequest(
                Client(result.GetRequiredValue(client)),
                result.GetValue(scope) == "workspace" ? ConnectScope.Workspace : ConnectScope.User,
                overHttp,
                result.GetValue(url) ?? (set is null ? $"{HttpServer.DefaultUrl}/mcp" : $"{HttpServer.DefaultUrl}/mcp/{Uri.EscapeDataString(set)}"),
                result.GetValue(name) ?? (overHttp ? "lumina-http" : "lumina"),
                settings);
            var invocation = result.InvocationConfiguration;
            return Task.FromResult(Run(request, result.GetValue(write), result.GetValue(file), machine, LaunchFacts.Current(machine), DateTimeOffset.UtcNow, invocation.Output, invocation.Error));
        });
        return connect;
    }

    /// <summary>Prints or writes the configuration for <paramref name="request"/> on <paramref name="platform"/>; the exit code.</summary>
    internal static int Run(ConnectRequest request, bool write, string? file, ClientPlatform platform, LaunchFacts facts, DateTimeOffset now, TextWriter output, TextWriter error)
    {
        if (request.Http && request.Settings.Count > 0)
        {
            error.WriteLine($"lumina: settings ({string.Join(' ', request.Settings)}) configure a server the client starts; with --http give them to 'lumina --http' instead.");
            return UsageExitCode;
        }

        var launch = LuminaLauncher.Resolve(facts);
        if (!request.Http && launch.Warning is not null)
        {
            error.WriteLine($"lumina: warning: {launch.Warning}");
        }

        if (request.Client == ConnectClient.Inspector)
        {
            Inspector(request, launch, platform, output);
            return 0;
        }

        var entry = ClientEntry.For(request, launch, platform);
        var path = file ?? ClientConfigLocation.For(request.Client, request.Scope, platform);
        if (!write)
        {
            output.WriteLine(entry.Document().ToJsonString(s_print).ReplaceLineEndings("\n"));
            error.WriteLine($"Add this to {path} ({Describe(request)}), or run again with --write to merge it there.");
            Notes(entry, error);
            return 0;
        }

        WrittenConfig written;
        try
        {
            written = ClientConfigFile.Write(path, entry, now);
        }
        catch (ClientConfigException ex)
        {
            error.WriteLine($"lumina: {ex.Message}");
            return FileExitCode;
        }

        if (!written.Merge.Changed)
        {
            output.WriteLine($"{written.Path} already has this '{entry.Name}' entry; nothing changed.");
        }
        else
        {
            var verb = written.Created ? "Created" : written.Merge.Replaced ? "Updated" : "Added";
            var what = written.Created ? $"{written.Path} with the '{entry.Name}' server" : $"the '{entry.Name}' server {(written.Merge.Replaced ? "in" : "to")} {written.Path}";
            output.WriteLine($"{verb} {what} ({Describe(request)}):");
            output.WriteLine(new JsonObject { [entry.Name] = entry.Server.DeepClone() }.ToJsonString(s_print).ReplaceLineEndings("\n"));
            if (written.Backup is not null)
            {
                output.WriteLine($"The previous file is kept as {written.Backup}.");
            }

            if (written.Merge.CommentsDropped)
            {
                error.WriteLine($"lumina: warning: the comments in {written.Path} could not be kept (the rewritten file is plain JSON); they are in {written.Backup}.");
            }

            output.WriteLine(Restart(request));
        }

        Notes(entry, error);
        return 0;
    }

    private static void Inspector(ConnectRequest request, LuminaLaunch launch, ClientPlatform platform, TextWriter output)
    {
        if (request.Http)
        {
            output.WriteLine("npx @modelcontextprotocol/inspector");
            output.WriteLine($"Then, in the page it opens: Transport Type 'Streamable HTTP', URL {request.Url},");
            output.WriteLine("and under Authentication the header 'Authorization' with 'Bearer <key>' (create a key with 'lumina keys create <user>'; docs/auth.md).");
            output.WriteLine($"Start the server first with 'lumina --http' (it listens on {HttpServer.DefaultUrl}).");
            return;
        }

        var words = new List<string> { "npx", "@modelcontextprotocol/inspector", launch.Command };
        words.AddRange(ClientEntry.ServerArguments(request, launch, platform));
        output.WriteLine(string.Join(' ', words.Select(w => Quote(w, platform.Os))));
    }

    private static void Notes(ClientEntry entry, TextWriter error)
    {
        foreach (var note in entry.Notes)
        {
            error.WriteLine(note);
        }
    }

    private static string Restart(ConnectRequest request) => request.Client switch
    {
        ConnectClient.Claude when request.Scope == ConnectScope.Workspace => "Claude Code asks you to approve the project's servers when it next starts here.",
        ConnectClient.Claude => "Restart Claude Desktop to load it.",
        ConnectClient.VsCode => "VS Code picks it up on its own (MCP: List Servers shows it).",
        _ => "Cursor shows it under Settings > MCP (restart Cursor if it does not).",
    };

    private static string Describe(ConnectRequest request) => (request.Client, request.Scope) switch
    {
        (ConnectClient.VsCode, ConnectScope.User) => "VS Code, every workspace",
        (ConnectClient.VsCode, _) => "VS Code, this workspace",
        (ConnectClient.Claude, ConnectScope.User) => "Claude Desktop",
        (ConnectClient.Claude, _) => "Claude Code, this project",
        (ConnectClient.Cursor, ConnectScope.User) => "Cursor, every project",
        _ => "Cursor, this project",
    };

    private static ConnectClient Client(string name) => name switch
    {
        "vscode" => ConnectClient.VsCode,
        "claude" => ConnectClient.Claude,
        "cursor" => ConnectClient.Cursor,
        _ => ConnectClient.Inspector,
    };

    /// <summary>A word as a shell takes it: single quotes on Linux and macOS, double quotes on Windows, when it needs any.</summary>
    internal static string Quote(string word, ClientOs os)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,+%".Contains(c, StringComparison.Ordinal)))
        {
            return word;
        }

        return os == ClientOs.Windows ? $"\"{word.Replace("\"", "\\\"", StringComparison.Ordinal)}\"" : $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";
    }
}
