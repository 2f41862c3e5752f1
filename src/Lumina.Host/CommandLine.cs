namespace Lumina.Host;

/// <summary>The <c>lumina</c> command line: a few switches of its own, everything else is configuration.</summary>
internal sealed record CommandLine(CommandLine.Kind Command, string[] Rest, string? Error = null)
{
    public enum Kind
    {
        Stdio,
        Http,
        Help,
        Version,
        Error,

        /// <summary><c>users …</c> or <c>keys …</c>: <see cref="AdminCommands"/>.</summary>
        Admin,

        /// <summary><c>audit verify</c> or <c>audit tail</c>: <see cref="AuditCommand"/>.</summary>
        Audit,
    }

    public const string Help = """
        lumina — a Semantic Kernel plugin host served over the Model Context Protocol

        Usage:
          lumina [options] [--Section:Key=value ...]
          lumina audit verify | tail [-n COUNT]   check the audit ledger's hash chain (exit 1 naming the first bad
                                                  record, 3 when records may be missing) or print its last records
                                                  (default 20)

        Options:
          (none)            Serve MCP over stdio (stdout carries only protocol frames; logs go to stderr).
          --http            Serve MCP over streamable HTTP at /mcp (default http://127.0.0.1:5100).
          --urls URL        With --http: the address(es) to listen on, e.g. http://127.0.0.1:8080.
          --version         Print the version and exit.
          -h, --help        Print this help and exit.

        Configuration (appsettings.json beside the program, environment Lumina__..., or --Lumina:...=value):
          Lumina:DataDirectory          where Lumina keeps its state (default ~/.local/share/lumina)
          Lumina:Plugins:Directories    folders of plugin assemblies to load (each in its own load context)
          Lumina:Plugins:Disabled       plugin names not to load (e.g. files)
          Lumina:Prompts:Directories    extra prompt folders (<plugin>/<function>/skprompt.txt + config.json)
          Lumina:Files:Roots            folders the files plugin may touch (a stdio client's MCP roots add to them,
                                an HTTP client's only narrow them; none: no files access over HTTP)
          Lumina:Memory:Store           sqlite (default, a file in the data directory) or redis (shared by hosts)
          ConnectionStrings:redis       the Redis server for Lumina:Memory:Store=redis, e.g. localhost:6379
          Lumina:Audit:Enabled          record every call in the hash-chained audit ledger (default true)
          Lumina:Audit:FailClosed       fail a call whose audit record cannot be written (default true)
          Lumina:Http:AllowedHosts      host names HTTP requests may address (default localhost, 127.0.0.1, [::1])
          Lumina:Http:AllowedOrigins    extra browser origins allowed to call
          Lumina:Http:MaxRequestBodyBytes  largest request body (default 4194304)
          Lumina:Http:MaxSessionsPerIdentity  open MCP sessions per caller (default 32)
          Lumina:Mcp:MaxSubscriptionsPerSession  resource subscriptions per session (default 100)

        Users, keys and roles: run 'lumina users' or 'lumina keys' for their commands.
          lumina users add alice --role user --password-stdin < password.txt
          lumina keys create alice --expires 30d
          Lumina:Auth:LocalRole         the stdio caller's role (default user)
          Lumina:Auth:AnonymousRole     the role of an HTTP caller without credentials (default: none, refused)
          Lumina:Auth:Permissions:<plugin>[.<function>]  read|write|execute|manage, overriding the plugin
          Lumina:Auth:SigningKey        HS256 key (>= 32 bytes) for POST /token's JWTs (default: random per start)
          Lumina:Auth:TokenLifetime     lifetime of issued tokens (default 00:15:00)
          Lumina:Auth:Resource          this server's resource URI, the tokens' audience (default <url>/mcp)
          Lumina:Auth:Authority, Lumina:Auth:Audience  validate tokens of an external OpenID Connect authority

        Examples:
          lumina --Lumina:Files:Roots:0=$HOME/src/project
          Lumina__Files__Roots__0=/work lumina --http --urls http://127.0.0.1:8080

        """;

    public static CommandLine Parse(string[] args)
    {
        if (AdminCommands.IsAdminCommand(args))
        {
            return new CommandLine(Kind.Admin, args);
        }

        // "audit" may follow configuration options (lumina --Lumina:DataDirectory=… audit verify), as users and keys may.
        var audit = Array.FindIndex(args, a => !a.StartsWith('-'));
        if (audit >= 0 && args[audit] == "audit" && args[..audit].All(a => a.Contains('=', StringComparison.Ordinal)))
        {
            return new CommandLine(Kind.Audit, [.. args[(audit + 1)..], .. args[..audit]]);
        }

        var rest = new List<string>();
        var command = Kind.Stdio;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help" or "-?" or "help":
                    return new CommandLine(Kind.Help, []);
                case "--version" or "version":
                    return new CommandLine(Kind.Version, []);
                case "--http":
                    command = Kind.Http;
                    break;
                case "--stdio":
                    command = Kind.Stdio;
                    break;
                case "--urls":
                    if (i + 1 >= args.Length || args[i + 1].StartsWith('-'))
                    {
                        return new CommandLine(Kind.Error, [], "--urls needs a value, e.g. --urls http://127.0.0.1:8080");
                    }

                    rest.Add("--urls");
                    rest.Add(args[++i]);
                    break;
                default:
                    if (!args[i].StartsWith('-') && !args[i].Contains('=', StringComparison.Ordinal))
                    {
                        return new CommandLine(Kind.Error, [], $"unknown command or argument '{args[i]}'");
                    }

                    rest.Add(args[i]);
                    break;
            }
        }

        return new CommandLine(command, [.. rest]);
    }
}
