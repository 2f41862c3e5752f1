using System.ComponentModel;
using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Federation;

/// <summary>
/// The upstream servers for admins, through the kernel (so authorization and the audit ledger apply): their status,
/// their tools' pins, and approving a quarantined tool. Served over MCP (<c>federation_servers</c>, <c>federation_tools</c>, <c>federation_approve</c>) and over
/// the HTTP API (<c>GET /v1/servers</c>, <c>GET /v1/servers/{name}/tools</c>, <c>POST /v1/servers/{name}/approve</c>).
/// </summary>
[LuminaPlugin("federation", Description = "Upstream MCP servers: status, and approving changed tools.")]
[LuminaRequires(LuminaPermission.Manage)]
public sealed class FederationPlugin(FederationService federation, ILuminaCallContextAccessor context)
{
    [KernelFunction("servers"), Description("Each upstream MCP server served through this host: its state, tool count, last error and restarts.")]
    [LuminaTool(Name = "federation_servers", Title = "Upstream servers", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    public IReadOnlyList<LuminaServerDescription> Servers() => federation.Describe();

    [KernelFunction("tools"), Description("The tools of one upstream server and how each is served: its served name, the hash of its pinned descriptor, and why it is quarantined if it is.")]
    [LuminaTool(Name = "federation_tools", Title = "Upstream server tools", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    public Task<IReadOnlyList<UpstreamToolState>> ToolsAsync(
        [Description("The server, as configured under Lumina:Servers.")] string server,
        CancellationToken cancellationToken = default) => federation.InspectAsync(server, cancellationToken);

    [KernelFunction("approve"), Description("Approves the current descriptor of a quarantined (changed, new or flagged) tool of an upstream server, or of all its tools: it is pinned and served again.")]
    [LuminaTool(Name = "federation_approve", Title = "Approve upstream tools", Idempotent = true, OpenWorld = false)]
    public async Task<IReadOnlyList<UpstreamToolState>> ApproveAsync(
        [Description("The server, as configured under Lumina:Servers.")] string server,
        [Description("The tool, by its name on the server; every tool of the server when left out.")] string? tool = null,
        CancellationToken cancellationToken = default)
    {
        var caller = context.Current.Caller;
        return await federation.ApproveAsync(server, tool, $"{caller.Name} ({caller.Id})", cancellationToken).ConfigureAwait(false);
    }
}
