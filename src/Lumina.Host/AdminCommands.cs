using System.Globalization;
using System.Text;
using Lumina.Core;
using Lumina.Core.Auth;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Lumina.Host;

/// <summary>
/// <c>lumina users …</c> and <c>lumina keys …</c>: manage the identity store the server uses, with the server's own
/// configuration (appsettings.json, environment, <c>--Section:Key=value</c>). Exit codes: 0 done, 1 a usage or identity
/// error (the message says which), 2 a configuration or store error.
/// </summary>
internal static class AdminCommands
{
    public const string Usage = """
        Users and API keys (the same configuration as the server, e.g. --Lumina:DataDirectory=/srv/lumina):
          lumina users add <name> --role <admin|user|guest> [--password-stdin]
                                        add a user; the password is read from stdin with --password-stdin,
                                        otherwise asked for without echo (never give it as an argument);
                                        'local' and 'anonymous' are reserved
          lumina users list             list users and their roles
          lumina users remove <name>    remove a user (their API keys are revoked, their tokens refused; a new
                                        user of the same name starts with empty memory)
          lumina users set-role <name> <role>
          lumina keys create <owner> [--role <role>] [--expires 30d|12h|2w|2026-12-31]
                                        create an API key; it is printed once, on stdout, and never again
          lumina keys list              list keys (id, owner, role, expiry, status; never the key)
          lumina keys revoke <id>       revoke a key

        """;

    public static bool IsAdminCommand(string[] args) =>
        args.FirstOrDefault(a => !a.StartsWith('-')) is "users" or "keys";

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        Invocation invocation;
        try
        {
            invocation = Invocation.Parse(args);
        }
        catch (UsageException ex)
        {
            await error.WriteLineAsync($"lumina: {ex.Message}\n\n{Usage}").ConfigureAwait(false);
            return 1;
        }

        try
        {
            using var host = BuildHost(invocation.Configuration);
            var store = host.Services.GetRequiredService<ILuminaIdentityStore>();
            return await RunAsync(invocation, store, input, output, error, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            await error.WriteLineAsync($"lumina: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (LuminaIdentityException ex)
        {
            await error.WriteLineAsync($"lumina: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await error.WriteLineAsync($"lumina: configuration error: {failure}").ConfigureAwait(false);
            }

            return 2;
        }
        catch (LuminaStartupException ex)
        {
            await error.WriteLineAsync($"lumina: cannot open the identity store: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception ex) when (ex is SqliteException or RedisException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await error.WriteLineAsync($"lumina: the identity store failed: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    private static async Task<int> RunAsync(Invocation call, ILuminaIdentityStore store, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        switch (call.Group, call.Verb)
        {
            case ("users", "add"):
            {
                var name = call.Argument(0, "users add <name> --role <role>");
                var role = call.Option("--role") ?? throw new UsageException("users add needs --role <admin|user|guest>.");
                // The name and role are checked before the password is asked for, so a typo does not cost a prompt.
                ReservedUserNames.ThrowIfReserved(name);
                LuminaRoles.Normalize(role);
                var password = await ReadPasswordAsync(call, input, error).ConfigureAwait(false);
                var user = await store.AddUserAsync(name, password, role, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"Added user {user.Username} with the role '{user.Role}'.").ConfigureAwait(false);
                return 0;
            }

            case ("users", "list"):
            {
                call.NoArguments();
                var users = await store.ListUsersAsync(cancellationToken).ConfigureAwait(false);
                await output.WriteAsync(Table(["USER", "ROLE", "CREATED"], users.Select(u => new[] { u.Username, u.Role, Time(u.CreatedAt) }))).ConfigureAwait(false);
                return 0;
            }

            case ("users", "remove"):
            {
                var name = call.Argument(0, "users remove <name>");
                await store.RemoveUserAsync(name, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"Removed user {name.Trim().ToLowerInvariant()}; their API keys are revoked.").ConfigureAwait(false);
                return 0;
            }

            case ("users", "set-role"):
            {
                var name = call.Argument(0, "users set-role <name> <role>");
                var role = call.Argument(1, "users set-role <name> <role>");
                var user = await store.SetRoleAsync(name, role, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"{user.Username} now has the role '{user.Role}'.").ConfigureAwait(false);
                return 0;
            }

            case ("keys", "create"):
            {
                var owner = call.Argument(0, "keys create <owner> [--role <role>] [--expires 30d]");
                var expires = call.Option("--expires") is { } text ? Expiry(text, TimeProvider.System.GetUtcNow()) : (DateTimeOffset?)null;
                var created = await store.CreateKeyAsync(owner, call.Option("--role"), expires, cancellationToken).ConfigureAwait(false);
                // The key alone on stdout (KEY=$(lumina keys create …) works); the explanation on stderr.
                await output.WriteLineAsync(created.Secret).ConfigureAwait(false);
                var key = created.Key;
                await error.WriteLineAsync(
                    $"Created API key {key.Id} for {key.Owner} with the role '{key.Role}'" +
                    (key.ExpiresAt is { } at ? $", expiring {Time(at)}" : ", without expiry") +
                    ". Store it now: it is not shown again.").ConfigureAwait(false);
                return 0;
            }

            case ("keys", "list"):
            {
                call.NoArguments();
                var keys = await store.ListKeysAsync(cancellationToken).ConfigureAwait(false);
                var now = TimeProvider.System.GetUtcNow();
                await output.WriteAsync(Table(
                    ["ID", "OWNER", "ROLE", "CREATED", "EXPIRES", "STATUS"],
                    keys.Select(k => new[] { k.Id, k.Owner, k.Role, Time(k.CreatedAt), k.ExpiresAt is { } at ? Time(at) : "never", k.Revoked ? "revoked" : k.IsExpired(now) ? "expired" : "active" }))).ConfigureAwait(false);
                return 0;
            }

            case ("keys", "revoke"):
            {
                var id = call.Argument(0, "keys revoke <id>");
                await store.RevokeKeyAsync(id, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"Revoked API key {id}.").ConfigureAwait(false);
                return 0;
            }

            default:
                throw new UsageException($"unknown command '{call.Group} {call.Verb}'.\n\n{Usage}");
        }
    }

    /// <summary>The server's configuration and services, without starting anything.</summary>
    private static IHost BuildHost(string[] configuration)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = configuration,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddLuminaServer(builder.Configuration);
        return builder.Build();
    }

    private static async Task<string> ReadPasswordAsync(Invocation call, TextReader input, TextWriter error)
    {
        if (call.Flag("--password-stdin"))
        {
            var line = await input.ReadLineAsync().ConfigureAwait(false);
            return string.IsNullOrEmpty(line) ? throw new LuminaIdentityException("The password is empty (nothing was read from stdin).") : line;
        }

        if (Console.IsInputRedirected)
        {
            throw new UsageException("no password: pipe it in with --password-stdin, or run in a terminal to be asked for it.");
        }

        var first = Prompt("Password: ", error);
        var second = Prompt("Repeat the password: ", error);
        return first == second ? first : throw new LuminaIdentityException("The passwords do not match.");
    }

    /// <summary>Reads a line from the terminal without echoing it.</summary>
    private static string Prompt(string question, TextWriter error)
    {
        error.Write(question);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        error.WriteLine();
        return text.ToString();
    }

    /// <summary><c>30d</c>, <c>12h</c>, <c>90m</c>, <c>2w</c> from now, or a date/time (UTC when no offset is given).</summary>
    internal static DateTimeOffset Expiry(string text, DateTimeOffset now)
    {
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && long.TryParse(trimmed[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is > 0 and <= 36_500)
        {
            TimeSpan? span = char.ToLowerInvariant(trimmed[^1]) switch
            {
                'm' => TimeSpan.FromMinutes(count),
                'h' => TimeSpan.FromHours(count),
                'd' => TimeSpan.FromDays(count),
                'w' => TimeSpan.FromDays(count * 7),
                _ => null,
            };
            if (span is { } s)
            {
                return now + s;
            }
        }

        if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return at;
        }

        throw new UsageException($"--expires '{text}' is not a duration (30d, 12h, 90m, 2w) or a date (2026-12-31).");
    }

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);

    private static string Table(string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            text.AppendJoin("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A usage mistake: the message says what to type instead.</summary>
    private sealed class UsageException(string message) : Exception(message);

    /// <summary>An admin command line: group and verb, arguments, options, and configuration switches for the host.</summary>
    private sealed class Invocation
    {
        private static readonly HashSet<string> s_valued = ["--role", "--expires"];
        private static readonly HashSet<string> s_flags = ["--password-stdin"];
        private readonly List<string> _arguments = [];
        private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

        public string Group { get; private set; } = string.Empty;

        public string Verb { get; private set; } = string.Empty;

        public string[] Configuration { get; private set; } = [];

        public static Invocation Parse(string[] args)
        {
            var call = new Invocation();
            var configuration = new List<string>();
            var words = new List<string>();
            for (var i = 0; i < args.Length; i++)
            {
                var arg = args[i];
                if (arg is "--password" || arg.StartsWith("--password=", StringComparison.Ordinal))
                {
                    throw new UsageException("a password is never given as an argument (it would show in the process list and shell history): use --password-stdin, or let lumina ask for it.");
                }

                if (s_valued.Contains(arg))
                {
                    if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new UsageException($"{arg} needs a value.");
                    }

                    call._options[arg] = args[++i];
                }
                else if (s_flags.Contains(arg))
                {
                    call._options[arg] = null;
                }
                else if (arg.StartsWith("--", StringComparison.Ordinal) && (arg.Contains('=', StringComparison.Ordinal) || arg.Contains(':', StringComparison.Ordinal)))
                {
                    // --Section:Key=value (or --Section:Key value): configuration, as the server takes it.
                    configuration.Add(arg);
                    if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Length)
                    {
                        configuration.Add(args[++i]);
                    }
                }
                else if (arg.StartsWith('-'))
                {
                    throw new UsageException($"unknown option '{arg}'.");
                }
                else
                {
                    words.Add(arg);
                }
            }

            if (words.Count < 2)
            {
                throw new UsageException($"'{string.Join(' ', words)}' needs a command.");
            }

            call.Group = words[0];
            call.Verb = words[1];
            call._arguments.AddRange(words.Skip(2));
            call.Configuration = [.. configuration];
            return call;
        }

        public string Argument(int index, string usage)
        {
            if (index >= _arguments.Count)
            {
                throw new UsageException($"usage: lumina {usage}");
            }

            var expected = usage.Split(' ').Count(w => w.StartsWith('<'));
            return _arguments.Count > expected ? throw new UsageException($"too many arguments: usage: lumina {usage}") : _arguments[index];
        }

        public void NoArguments()
        {
            if (_arguments.Count > 0)
            {
                throw new UsageException($"unexpected argument '{_arguments[0]}'.");
            }
        }

        public string? Option(string name) => _options.GetValueOrDefault(name);

        public bool Flag(string name) => _options.ContainsKey(name);
    }
}
