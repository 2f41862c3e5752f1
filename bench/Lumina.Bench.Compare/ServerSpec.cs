namespace Lumina.Bench.Compare;

/// <summary>How to start one of the compared servers over stdio and over streamable HTTP.</summary>
/// <param name="Name">The column name in the table.</param>
/// <param name="FileName">The program (dotnet or node).</param>
/// <param name="Arguments">Arguments common to both transports (e.g. the dll).</param>
/// <param name="StdioArguments">Extra arguments for stdio; null when the server has no stdio mode (the raw floor).</param>
/// <param name="HttpArguments">Extra arguments for HTTP given the port.</param>
/// <param name="Environment">Environment variables set for both transports.</param>
/// <param name="HttpEnvironment">Extra environment for HTTP given the port.</param>
internal sealed record ServerSpec(
    string Name,
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<string>? StdioArguments,
    Func<int, IReadOnlyList<string>> HttpArguments,
    IReadOnlyDictionary<string, string> Environment,
    Func<int, IReadOnlyDictionary<string, string>>? HttpEnvironment = null)
{
    /// <summary>How long Lumina's tokens last in the benchmark (default 15 minutes): longer than any run or soak.</summary>
    public const string TokenLifetime = "02:00:00";

    public bool HasStdio => StdioArguments is not null;

    /// <summary>Whether the server answers sessionless 2026-07-28 requests (no <c>initialize</c>, no session).</summary>
    public bool ServesStateless { get; init; }

    /// <summary>
    /// Whether every HTTP request carries a bearer token: before the server starts a user is added to its data directory
    /// with its own CLI (<c>users add</c>), and once it listens <c>POST /token</c> (the password grant) issues the token.
    /// </summary>
    public bool BearerToken { get; init; }

    /// <summary>Lumina and the bare SDK published ReadyToRun (stdio only: the row is their cold start; with <c>--as-built</c>).</summary>
    public static IReadOnlyList<ServerSpec> ReadyToRun(BenchPaths paths)
    {
        var lumina = All(paths)[0];
        return
        [
            lumina with { Name = "Lumina R2R", Arguments = [paths.LuminaReadyToRunDll] },
            new ServerSpec("bare SDK R2R", paths.Dotnet, [paths.BareSdkReadyToRunDll], [], _ => [], new Dictionary<string, string>()),
        ];
    }

    /// <summary>The servers compared: Lumina, the bare SDK, the TypeScript reference and the raw ASP.NET floor.</summary>
    /// <param name="bareEventStore">Give the bare SDK the SDK's resumable event store (to measure what such a store costs).</param>
    /// <param name="anonymous">Lumina over HTTP without a token, anonymous callers given the role <c>user</c>.</param>
    public static IReadOnlyList<ServerSpec> All(BenchPaths paths, bool bareEventStore = false, bool anonymous = false)
    {
        static IReadOnlyList<string> Urls(int port) => ["--http", "--urls", $"http://127.0.0.1:{port}"];
        var empty = new Dictionary<string, string>();
        var lumina = new Dictionary<string, string>
        {
            ["Lumina__Plugins__Directories__0"] = paths.EchoPluginDirectory,
            // A fresh data directory per run: the memory store starts empty and nothing touches the user's.
            ["Lumina__DataDirectory"] = paths.LuminaDataDirectory,
            // The load generator is one caller making thousands of calls a second: the comparison is of
            // serving, so the policy guard's per-caller rate limit is off (the filter itself still runs).
            ["Lumina__Policy__RateLimit__PermitsPerMinute"] = "0",
        };
        if (anonymous)
        {
            // The other servers take anonymous HTTP calls; Lumina refuses them unless a role is given to them.
            // The authorization filter still runs for that caller, as for any other.
            lumina["Lumina__Auth__AnonymousRole"] = "user";
        }
        else
        {
            // As users deploy it: a signed-in user's token on every request. The default lifetime (15 minutes) would
            // end mid-soak; the token is checked, and its user read from the identity store, on every request all the same.
            lumina["Lumina__Auth__TokenLifetime"] = TokenLifetime;
        }

        var (luminaProgram, luminaArguments) = paths.Launch(paths.LuminaDll);
        var (bareProgram, bareArguments) = paths.Launch(paths.BareSdkDll);
        return
        [
            new ServerSpec("Lumina", luminaProgram, luminaArguments, [], Urls, lumina)
            {
                ServesStateless = true,
                BearerToken = !anonymous,
            },
            new ServerSpec(
                bareEventStore ? "bare SDK+store" : "bare SDK",
                bareProgram,
                bareArguments,
                [],
                port => bareEventStore ? [.. Urls(port), "--event-store"] : Urls(port),
                empty)
            {
                // StatefulForInitializeClients: sessions for initialize clients, stateless for 2026-07-28 requests.
                ServesStateless = true,
            },
            new ServerSpec(
                "TypeScript",
                paths.Node,
                ["--import", paths.NodeLocalhostPreload, paths.TypeScriptServer],
                ["stdio"],
                _ => ["streamableHttp"],
                empty,
                port => new Dictionary<string, string> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            // The floor keeps no sessions: it answers a 2026-07-28 request like any other (headers and _meta unread).
            new ServerSpec("raw ASP.NET", paths.Dotnet, [paths.RawAspNetDll], null, port => ["--urls", $"http://127.0.0.1:{port}"], empty)
            {
                ServesStateless = true,
            },
        ];
    }
}
