using System.CommandLine;
using System.CommandLine.Help;
using Lumina.Host.Cli.Connect;
using Lumina.Host.Http;
using Lumina.Host.Stdio;

namespace Lumina.Host.Cli;

/// <summary>
/// The <c>lumina</c> command tree: without a command it serves MCP (stdio, or HTTP with <c>--http</c>); <c>users</c>,
/// <c>keys</c> and <c>audit</c> work on the stores the server uses; <c>connect</c> configures MCP clients. Configuration
/// overrides never reach the tree: they are split off first (<see cref="ConfigurationArguments"/>) and handed to the host
/// builders.
/// </summary>
internal static class LuminaCommands
{
    /// <summary>What the root's help adds below its options: the settings a user reaches for first.</summary>
    public const string ConfigurationHelp = """
        Configuration (appsettings.json beside the program, environment Lumina__..., or --Section:Key=value anywhere
        on the command line):
          Lumina:DataDirectory          where Lumina keeps its state (default ~/.local/share/lumina)
          Lumina:Plugins:Directories    folders of plugin assemblies to load (each in its own load context)
          Lumina:Plugins:Disabled       plugin names not to load (e.g. files)
          Lumina:Prompts:Directories    extra prompt folders (<plugin>/<function>/skprompt.txt + config.json)
          Lumina:Files:Roots            folders the files plugin may touch (a stdio client's MCP roots add to them,
                                        an HTTP client's only narrow them; none: no files access over HTTP)
          Lumina:Store                  sqlite (default, files in the data directory) or redis (every store shared by hosts)
          ConnectionStrings:redis       the Redis server for Lumina:Store=redis
          Lumina:Audit:Enabled          record every call in the hash-chained audit ledger (default true)
          Lumina:Audit:FailClosed       fail a call whose audit record cannot be written (default true)
          Lumina:Http:AllowedHosts      host names HTTP requests may address (default localhost, 127.0.0.1, [::1])
          Lumina:Http:AllowedOrigins    extra browser origins allowed to call
          Lumina:Http:MaxRequestBodyBytes  largest request body (default 4194304)
          Lumina:Http:MaxSessionsPerIdentity  open MCP sessions per caller (default 32)
          Lumina:Mcp:MaxSubscriptionsPerSession  resource subscriptions per session (default 100)
          Lumina:ToolSets:<name>:Include:<i>, :Exclude:<i>   a tool set (globs over tool, prompt and resource names),
                                        served at /mcp/<name> and on stdio with --toolset <name>
          Lumina:ToolSets:<name>:Rename:<tool>, :Describe:<tool>   another name or description in that set

        Other MCP servers, served through the kernel as <name>_<tool> (run 'lumina servers --help'):
          Lumina:Servers:<name>:Command, :Args:<i>, :Env:<KEY>, :WorkingDirectory   a server over stdio
          Lumina:Servers:<name>:Url, :Headers:<Header>   a server over streamable HTTP
          Lumina:Servers:<name>:ClientId, :ClientSecret, :TokenUrl   an OAuth client credentials token for it
                                        (TokenUrl https, or http to loopback only)
          Lumina:Servers:<name>:Scopes:<i>   the scopes asked for with it (sent space-separated)
          Lumina:Servers:<name>:Enabled, :Start (lazy|eager), :Timeout, :Permission (read|write|...)
          Lumina:Servers:<name>:Prefix   what its tool and prompt names begin with (default <name>_; empty: none)
          Lumina:Servers:<name>:PerCaller, :IdleTimeout, :MaxConnections   a connection (process) per caller
          Lumina:Servers:<name>:Pinning   strict (default: changed tools are quarantined until approved) | warn | off
          Lumina:Servers:Import:<i>      client files to import: Claude Desktop/Cursor/Windsurf (mcpServers), VS Code (servers)
          Lumina:Servers:Inputs:<id>     values of VS Code ${input:id} references (Lumina cannot prompt)

        Workflows, YAML files served as workflow_<name> (run 'lumina workflows --help' for their runs):
          Lumina:Workflows:Directories:<i>  folders of workflow files (besides the shipped workflows/)
          Lumina:Workflows:Examples     serve the shipped examples (default true)
          Lumina:Workflows:SyncWait     how long a call waits before answering with the run id (default 00:00:30)
          Lumina:Workflows:Heartbeat, :MissedHeartbeats   when an interrupted run is taken over (00:00:02, 3)
          Lumina:Workflows:AutoResume, :Retention   resume interrupted runs (true); keep finished runs (7.00:00:00)
          Lumina:Workflows:ConfirmPlans, :PlanRepairRounds   plan_run asks first (true); plan's corrections (2)

        Users, keys and roles: run 'lumina users --help' or 'lumina keys --help' for their commands.
          lumina users add alice --role user --password-stdin < password.txt
          lumina keys create alice --expires 30d
          Lumina:Auth:LocalRole         the stdio caller's role (default user)
          Lumina:Auth:AnonymousRole     the role of an HTTP caller without credentials (default: none, refused)
          Lumina:Auth:Permissions:<plugin>[.<function>]  read|write|execute|manage, overriding the plugin
          Lumina:Auth:SigningKey        HS256 key (>= 32 bytes) for POST /token's JWTs (default: random per start)
          Lumina:Auth:TokenLifetime     lifetime of issued tokens (default 00:15:00)
          Lumina:Auth:Resource          this server's resource URI, the tokens' audience (default <url>/mcp)
          Lumina:Auth:Authority, Lumina:Auth:Audience  validate tokens of an external OpenID Connect authority

        Clients: 'lumina connect vscode|claude|cursor|inspector' prints the configuration that starts this lumina
        (--http: that reaches 'lumina --http'; --scope workspace: this folder only); --write merges it into the
        client's file, keeping the rest and a backup (docs/clients.md).
          lumina connect claude --write
          lumina connect vscode --scope workspace --write

        Examples:
          lumina --Lumina:Files:Roots:0=$HOME/src/project
          Lumina__Files__Roots__0=/work lumina --http --urls http://127.0.0.1:8080
          lumina --Lumina:DataDirectory=/srv/lumina audit verify
          lumina --Lumina:Servers:Import:0="$HOME/.config/Claude/claude_desktop_config.json"

        """;

    /// <summary>Builds the tree; its actions read the configuration overrides from <paramref name="configuration"/> when they run.</summary>
    public static RootCommand Create(Func<string[]> configuration)
    {
        var http = new Option<bool>("--http") { Description = "Serve MCP over streamable HTTP at /mcp (default " + HttpServer.DefaultUrl + ")." };
        var stdio = new Option<bool>("--stdio") { Description = "Serve MCP over stdio, the default (stdout carries only protocol frames; logs go to stderr)." };
        var urls = new Option<string>("--urls") { Description = "With --http: the address(es) to listen on, e.g. http://127.0.0.1:8080.", HelpName = "URL" };
        var toolSet = new Option<string>("--toolset") { Description = "With stdio: serve only the tool set Lumina:ToolSets:<name> (over HTTP each set is served at /mcp/<name>).", HelpName = "name" };
        var root = new RootCommand("lumina — a Semantic Kernel plugin host served over the Model Context Protocol.") { http, stdio, urls, toolSet };
        root.Validators.Add(result =>
        {
            if (result.GetValue(http) && result.GetValue(stdio))
            {
                result.AddError("--http and --stdio cannot both be given.");
            }

            if (result.GetValue(http) && result.GetValue(toolSet) is not null)
            {
                result.AddError("--toolset is for stdio; over HTTP each tool set is served at /mcp/<name>.");
            }
        });
        root.SetAction((result, _) =>
        {
            if (!result.GetValue(http))
            {
                return StdioServer.RunAsync(result.GetValue(toolSet) is { } set ? [.. configuration(), $"--Lumina:Mcp:ToolSet={set}"] : configuration());
            }

            string[] args = result.GetValue(urls) is { } addresses ? [.. configuration(), "--urls", addresses] : configuration();
            return HttpServer.RunAsync(args);
        });

        foreach (var option in root.Options)
        {
            if (option is HelpOption { Action: HelpAction help })
            {
                option.Action = new LuminaHelpAction(help);
            }
            else if (option is VersionOption)
            {
                option.Action = new LuminaVersionAction();
            }
        }

        root.Subcommands.Add(UserCommands.Create(configuration));
        root.Subcommands.Add(KeyCommands.Create(configuration));
        root.Subcommands.Add(AuditCommand.Create(configuration));
        root.Subcommands.Add(ServerCommands.Create(configuration));
        root.Subcommands.Add(WorkflowCommands.Create(configuration));
        root.Subcommands.Add(ConnectCommand.Create(configuration));

        // 'lumina help' and 'lumina version', as the command line before the tree took them.
        var helpWord = new Command("help", "Print this help and exit.") { Hidden = true };
        helpWord.SetAction(result => root.Parse(["--help"]).Invoke(result.InvocationConfiguration));
        var versionWord = new Command("version", "Print the version and exit.") { Hidden = true };
        versionWord.SetAction(result => root.Parse(["--version"]).Invoke(result.InvocationConfiguration));
        root.Subcommands.Add(helpWord);
        root.Subcommands.Add(versionWord);
        return root;
    }

    /// <summary>Every option name and alias in the tree (<c>--role</c>, <c>-n</c>), which are never configuration overrides.</summary>
    public static HashSet<string> OptionNames(Command command)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        Collect(command, names);
        return names;

        static void Collect(Command command, HashSet<string> names)
        {
            foreach (var option in command.Options)
            {
                names.Add(option.Name);
                names.UnionWith(option.Aliases);
            }

            foreach (var subcommand in command.Subcommands)
            {
                Collect(subcommand, names);
            }
        }
    }
}
