using System.CommandLine;
using Lumina.Abstractions;
using Lumina.Federation;

namespace Lumina.Host.Cli;

/// <summary>
/// <c>lumina servers list | status | approve | pins</c>: the upstream MCP servers of the server's configuration, as
/// this configuration reaches them now (each command connects the servers it needs, and ends them when it is done),
/// and their pins in the store the server uses. Exit codes: 0 done, 1 a usage error or a server that cannot be reached,
/// 2 a configuration or store error.
/// </summary>
internal static class ServerCommands
{
    public static Command Create(Func<string[]> configuration)
    {
        var servers = new Command("servers", "Upstream MCP servers (Lumina:Servers): their status, their tools' pins, approving changed tools.");
        servers.Subcommands.Add(List(configuration));
        servers.Subcommands.Add(Status(configuration));
        servers.Subcommands.Add(Approve(configuration));
        servers.Subcommands.Add(Pins(configuration));
        return servers;
    }

    private static Command List(Func<string[]> configuration)
    {
        var list = new Command("list", "Connect each configured server and show its state, its tools (and how many are quarantined), prompts and resources, and its last error.");
        list.SetAction((result, cancellationToken) => RunAsync(result, configuration(), async (federation, output, token) =>
        {
            var rows = new List<string[]>();
            foreach (var name in federation.Names)
            {
                string tools = "-", quarantined = "-";
                try
                {
                    var state = await federation.InspectAsync(name, token).ConfigureAwait(false);
                    tools = state.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    quarantined = state.Count(t => t.Quarantined is not null).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (LuminaException)
                {
                    // Its status says why.
                }

                var status = federation.Statuses.Single(s => s.Name == name);
                var invariant = System.Globalization.CultureInfo.InvariantCulture;
                rows.Add([name, status.Transport, status.State.ToString().ToLowerInvariant(), tools, quarantined, status.PromptCount.ToString(invariant), status.ResourceCount.ToString(invariant), status.LastError ?? ""]);
            }

            await output.WriteAsync(AdminCommands.Table(["NAME", "TRANSPORT", "STATE", "TOOLS", "QUARANTINED", "PROMPTS", "RESOURCES", "LAST ERROR"], rows)).ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return list;
    }

    private static Command Status(Func<string[]> configuration)
    {
        var name = new Argument<string>("name") { Description = "The server, as configured under Lumina:Servers." };
        var status = new Command("status", "Connect one server and show each of its tools: the name it is served under, and why it is quarantined, if it is.") { name };
        status.SetAction((result, cancellationToken) => RunAsync(result, configuration(), async (federation, output, token) =>
        {
            var tools = await federation.InspectAsync(result.GetRequiredValue(name), token).ConfigureAwait(false);
            await output.WriteAsync(AdminCommands.Table(
                ["TOOL", "SERVED AS", "HASH", "STATE"],
                tools.Select(t => new[] { t.Tool, t.Served, t.Hash[..12], t.Quarantined is { } why ? $"quarantined: {why}" : "served" }))).ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return status;
    }

    private static Command Approve(Func<string[]> configuration)
    {
        var name = new Argument<string>("name") { Description = "The server, as configured under Lumina:Servers." };
        var tool = new Argument<string?>("tool") { Description = "The tool (its name on the server); every tool of the server when left out.", Arity = ArgumentArity.ZeroOrOne };
        var approve = new Command("approve", "Approve the current descriptors of a server's tools (after checking what changed with 'lumina servers status'): they are pinned and served again.") { name, tool };
        approve.SetAction((result, cancellationToken) => RunAsync(result, configuration(), async (federation, output, token) =>
        {
            var approved = await federation.ApproveAsync(result.GetRequiredValue(name), result.GetValue(tool), Environment.UserName, token).ConfigureAwait(false);
            foreach (var each in approved)
            {
                await output.WriteLineAsync($"Approved {each.Served} ({each.Hash[..12]}).").ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken));
        return approve;
    }

    private static Command Pins(Func<string[]> configuration)
    {
        var name = new Argument<string>("name") { Description = "The server, as configured under Lumina:Servers." };
        var pins = new Command("pins", "The pins of a server's tools in the store: the descriptor hash each tool is trusted with, when, and who approved it.") { name };
        pins.SetAction((result, cancellationToken) => RunAsync(result, configuration(), async (federation, output, token) =>
        {
            var list = await federation.PinsAsync(result.GetRequiredValue(name), token).ConfigureAwait(false);
            await output.WriteAsync(AdminCommands.Table(
                ["TOOL", "HASH", "PINNED", "BY"],
                list.Select(p => new[] { p.Tool, p.Hash[..12], AdminCommands.Time(p.PinnedAt), p.PinnedBy ?? "first sight" }))).ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return pins;
    }

    // Exit 1 for a server that cannot be reached (a LuminaException), as for a usage error.
    private static Task<int> RunAsync(ParseResult result, string[] configuration, Func<FederationService, TextWriter, CancellationToken, Task<int>> command, CancellationToken cancellationToken) =>
        AdminCommands.RunOnServerAsync(
            result,
            configuration,
            async (services, output, token) =>
            {
                await using var federation = services.GetRequiredService<FederationService>();
                return await command(federation, output, token).ConfigureAwait(false);
            },
            _ => 1,
            cancellationToken);
}
