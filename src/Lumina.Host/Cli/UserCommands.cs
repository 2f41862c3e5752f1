using System.CommandLine;
using System.Text;
using Lumina.Core.Auth;

namespace Lumina.Host.Cli;

/// <summary><c>lumina users add | list | remove | set-role | set-toolset</c>: the users of the identity store the server uses.</summary>
internal static class UserCommands
{
    public static Command Create(Func<string[]> configuration)
    {
        var users = new Command("users", "Manage users and their roles (the same configuration as the server, e.g. --Lumina:DataDirectory=/srv/lumina).");
        users.Subcommands.Add(Add(configuration));
        users.Subcommands.Add(List(configuration));
        users.Subcommands.Add(Remove(configuration));
        users.Subcommands.Add(SetRole(configuration));
        users.Subcommands.Add(SetToolSet(configuration));
        return users;
    }

    private static Command Add(Func<string[]> configuration)
    {
        var name = new Argument<string>("name") { Description = "The user's name ('local' and 'anonymous' are reserved)." };
        var role = new Option<string>("--role") { Description = "admin, user or guest.", HelpName = "role", Required = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from stdin; without it, it is asked for without echo." };
        // Never a way to give the password: it is here to say why, rather than 'unknown option'.
        var password = new Option<string>("--password") { Hidden = true };
        password.Validators.Add(result => result.AddError(
            "a password is never given as an argument (it would show in the process list and shell history): use --password-stdin, or let lumina ask for it."));
        var toolSet = ToolSetOption("The tool set (Lumina:ToolSets:<name>) the user sees on every endpoint; default: every tool the role allows.");
        var add = new Command("add", "Add a user; the password is never given as an argument.") { name, role, passwordStdin, password, toolSet };
        add.SetAction((result, cancellationToken) => AdminCommands.RunAsync(result, configuration(), async (store, output, error, token) =>
        {
            var user = result.GetRequiredValue(name);
            var userRole = result.GetRequiredValue(role);
            // The name and role are checked before the password is asked for, so a typo does not cost a prompt.
            ReservedUserNames.ThrowIfReserved(user);
            LuminaRoles.Normalize(userRole);
            var set = result.GetValue(toolSet);
            var secret = await ReadPasswordAsync(result.GetValue(passwordStdin), error).ConfigureAwait(false);
            var added = await store.AddUserAsync(user, secret, userRole, token).ConfigureAwait(false);
            if (set is not null)
            {
                added = await store.SetUserToolSetAsync(added.Username, set, token).ConfigureAwait(false);
            }

            await output.WriteLineAsync($"Added user {added.Username} with the role '{added.Role}'{ToolSetText(added.ToolSet)}.").ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return add;
    }

    private static Command List(Func<string[]> configuration)
    {
        var list = new Command("list", "List users and their roles.");
        list.SetAction((result, cancellationToken) => AdminCommands.RunAsync(result, configuration(), async (store, output, _, token) =>
        {
            var users = await store.ListUsersAsync(token).ConfigureAwait(false);
            await output.WriteAsync(AdminCommands.Table(["USER", "ROLE", "TOOLSET", "CREATED"], users.Select(u => new[] { u.Username, u.Role, u.ToolSet ?? "-", AdminCommands.Time(u.CreatedAt) }))).ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return list;
    }

    private static Command Remove(Func<string[]> configuration)
    {
        var name = new Argument<string>("name") { Description = "The user to remove." };
        var remove = new Command("remove", "Remove a user: their API keys are revoked, their tokens refused; a new user of the same name starts with empty memory.") { name };
        remove.SetAction((result, cancellationToken) => AdminCommands.RunAsync(result, configuration(), async (store, output, _, token) =>
        {
            var user = result.GetRequiredValue(name);
            await store.RemoveUserAsync(user, token).ConfigureAwait(false);
            await output.WriteLineAsync($"Removed user {user.Trim().ToLowerInvariant()}; their API keys are revoked.").ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return remove;
    }

    private static Command SetRole(Func<string[]> configuration)
    {
        var name = new Argument<string>("name") { Description = "The user." };
        var role = new Argument<string>("role") { Description = "admin, user or guest." };
        var setRole = new Command("set-role", "Give a user another role.") { name, role };
        setRole.SetAction((result, cancellationToken) => AdminCommands.RunAsync(result, configuration(), async (store, output, _, token) =>
        {
            var user = await store.SetRoleAsync(result.GetRequiredValue(name), result.GetRequiredValue(role), token).ConfigureAwait(false);
            await output.WriteLineAsync($"{user.Username} now has the role '{user.Role}'.").ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return setRole;
    }

    private static Command SetToolSet(Func<string[]> configuration)
    {
        var name = new Argument<string>("name") { Description = "The user." };
        var set = new Argument<string>("toolset") { Description = "A tool set (Lumina:ToolSets:<name>), or none." };
        var command = new Command("set-toolset", "Bind a user (and the user's keys without a tool set of their own) to a tool set, or to none.") { name, set };
        command.SetAction((result, cancellationToken) => AdminCommands.RunAsync(result, configuration(), async (store, output, _, token) =>
        {
            var user = await store.SetUserToolSetAsync(result.GetRequiredValue(name), result.GetRequiredValue(set), token).ConfigureAwait(false);
            await output.WriteLineAsync($"{user.Username} now sees {(user.ToolSet is { } bound ? $"the tool set '{bound}'" : "every tool the role allows")}.").ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>The <c>--toolset</c> option of <c>users add</c> and <c>keys create</c>.</summary>
    internal static Option<string> ToolSetOption(string description) => new("--toolset") { Description = description, HelpName = "name" };

    /// <summary>", bound to the tool set 'x'" when there is one.</summary>
    internal static string ToolSetText(string? toolSet) => toolSet is null ? string.Empty : $", bound to the tool set '{toolSet}'";

    private static async Task<string> ReadPasswordAsync(bool fromStdin, TextWriter error)
    {
        if (fromStdin)
        {
            var line = await Console.In.ReadLineAsync().ConfigureAwait(false);
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
}
