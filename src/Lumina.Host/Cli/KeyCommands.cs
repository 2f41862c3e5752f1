using System.CommandLine;
using System.Globalization;

namespace Lumina.Host.Cli;

/// <summary><c>lumina keys create | list | revoke</c>: the API keys of the identity store the server uses.</summary>
internal static class KeyCommands
{
    public static Command Create(Func<string[]> configuration)
    {
        var keys = new Command("keys", "Manage API keys (the same configuration as the server, e.g. --Lumina:DataDirectory=/srv/lumina).");
        keys.Subcommands.Add(CreateKey(configuration));
        keys.Subcommands.Add(List(configuration));
        keys.Subcommands.Add(Revoke(configuration));
        return keys;
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

    private static Command CreateKey(Func<string[]> configuration)
    {
        var owner = new Argument<string>("owner") { Description = "The user the key acts for." };
        var role = new Option<string>("--role") { Description = "The role the key's caller gets (default: the owner's).", HelpName = "role" };
        var expires = new Option<string>("--expires") { Description = "When the key stops working: 30d, 12h, 90m, 2w or a date (2026-12-31); default never.", HelpName = "when" };
        var toolSet = UserCommands.ToolSetOption("The tool set (Lumina:ToolSets:<name>) the key's caller sees on every endpoint; default: the owner's.");
        var create = new Command("create", "Create an API key; it is printed once, on stdout, and never again.") { owner, role, expires, toolSet };
        create.SetAction((result, cancellationToken) => AdminCommands.RunAsync(result, configuration(), async (store, output, error, token) =>
        {
            var expiry = result.GetValue(expires) is { } text ? Expiry(text, TimeProvider.System.GetUtcNow()) : (DateTimeOffset?)null;
            var set = result.GetValue(toolSet);
            var created = await store.CreateKeyAsync(result.GetRequiredValue(owner), result.GetValue(role), expiry, token).ConfigureAwait(false);
            var key = set is null ? created.Key : await store.SetKeyToolSetAsync(created.Key.Id, set, token).ConfigureAwait(false);

            // The key alone on stdout (KEY=$(lumina keys create …) works); the explanation on stderr.
            await output.WriteLineAsync(created.Secret).ConfigureAwait(false);
            await error.WriteLineAsync(
                $"Created API key {key.Id} for {key.Owner} with the role '{key.Role}'{UserCommands.ToolSetText(key.ToolSet)}" +
                (key.ExpiresAt is { } at ? $", expiring {AdminCommands.Time(at)}" : ", without expiry") +
                ". Store it now: it is not shown again.").ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return create;
    }

    private static Command List(Func<string[]> configuration)
    {
        var list = new Command("list", "List keys: id, owner, role, expiry, status (never the key).");
        list.SetAction((result, cancellationToken) => AdminCommands.RunAsync(result, configuration(), async (store, output, _, token) =>
        {
            var keys = await store.ListKeysAsync(token).ConfigureAwait(false);
            var now = TimeProvider.System.GetUtcNow();
            await output.WriteAsync(AdminCommands.Table(
                ["ID", "OWNER", "ROLE", "TOOLSET", "CREATED", "EXPIRES", "STATUS"],
                keys.Select(k => new[] { k.Id, k.Owner, k.Role, k.ToolSet ?? "(owner's)", AdminCommands.Time(k.CreatedAt), k.ExpiresAt is { } at ? AdminCommands.Time(at) : "never", k.Revoked ? "revoked" : k.IsExpired(now) ? "expired" : "active" }))).ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return list;
    }

    private static Command Revoke(Func<string[]> configuration)
    {
        var id = new Argument<string>("id") { Description = "The key's id, as 'lumina keys list' shows it." };
        var revoke = new Command("revoke", "Revoke a key.") { id };
        revoke.SetAction((result, cancellationToken) => AdminCommands.RunAsync(result, configuration(), async (store, output, _, token) =>
        {
            var key = result.GetRequiredValue(id);
            await store.RevokeKeyAsync(key, token).ConfigureAwait(false);
            await output.WriteLineAsync($"Revoked API key {key}.").ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return revoke;
    }
}
