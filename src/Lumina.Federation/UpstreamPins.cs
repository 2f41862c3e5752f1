using Lumina.Abstractions;
using Lumina.Core.Audit;
using Lumina.Core.Federation;
using Lumina.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lumina.Federation;

/// <summary>
/// Rug-pull protection for one upstream server. Each tool's descriptor is pinned by hash the first time the server is
/// seen. Afterwards a tool whose descriptor differs from its pin, or a new tool on the pinned server, is quarantined
/// under <see cref="UpstreamPinning.Strict"/> (served and reported under <see cref="UpstreamPinning.Warn"/>) until an
/// admin approves it. Each change is logged with a readable diff and audited with both hashes. Pins live in the store,
/// so every host sharing it trusts the same descriptors.
/// </summary>
internal sealed partial class UpstreamPins(string server, UpstreamPinning mode, IServiceProvider services, ILogger<UpstreamPins> logger, TimeProvider time)
{
    private IToolPinStore? Store => mode == UpstreamPinning.Off ? null : services.GetService<IToolPinStore>();

    /// <summary>Pins what is seen first, and quarantines (or reports) what changed or is new.</summary>
    public async Task CheckAsync(IReadOnlyList<UpstreamTool> tools, CancellationToken cancellationToken)
    {
        if (Store is not { } store)
        {
            return;
        }

        var pins = (await store.ListAsync(server, cancellationToken).ConfigureAwait(false)).ToDictionary(p => p.Tool, StringComparer.Ordinal);
        var firstSight = pins.Count == 0;
        foreach (var tool in tools)
        {
            pins.TryGetValue(tool.UpstreamName, out var approved);
            await ScreenAsync(tool, approved, cancellationToken).ConfigureAwait(false);
            if (!pins.TryGetValue(tool.UpstreamName, out var pin))
            {
                if (firstSight || mode == UpstreamPinning.Warn)
                {
                    pin = await store.PinIfAbsentAsync(new ToolPin(server, tool.UpstreamName, tool.Hash, tool.Canonical, time.GetUtcNow(), null), cancellationToken).ConfigureAwait(false);
                    if (pin.Hash == tool.Hash)
                    {
                        if (!firstSight)
                        {
                            LogNewTool(server, tool.UpstreamName);
                        }

                        continue;
                    }
                }
                else
                {
                    tool.Quarantined ??= $"The tool '{tool.Tool.Name}' is new on the MCP server '{server}', whose tools are pinned: it is quarantined until an admin approves it (lumina servers approve {server} {tool.UpstreamName}).";
                    LogQuarantinedNew(server, tool.UpstreamName);
                    await AuditAsync(tool, $"PinNew: {tool.Hash}", cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            if (pin.Hash == tool.Hash)
            {
                continue;
            }

            var diff = ToolDescriptors.Diff(pin.Descriptor, tool.Canonical);
            LogChanged(server, tool.UpstreamName, pin.Hash, tool.Hash, diff);
            await AuditAsync(tool, $"PinChanged: {pin.Hash} -> {tool.Hash}", cancellationToken).ConfigureAwait(false);
            if (mode == UpstreamPinning.Strict)
            {
                tool.Quarantined ??= $"The tool '{tool.Tool.Name}' of the MCP server '{server}' changed since it was approved ({Short(diff)}): it is quarantined until an admin approves the change (lumina servers approve {server} {tool.UpstreamName}).";
            }
        }
    }

    /// <summary>
    /// Reads <paramref name="tool"/>'s descriptor for hidden instructions, unless an admin approved exactly this
    /// descriptor: a hit quarantines it (<see cref="UpstreamPinning.Strict"/>) or is reported (<see cref="UpstreamPinning.Warn"/>).
    /// </summary>
    private async Task ScreenAsync(UpstreamTool tool, ToolPin? pin, CancellationToken cancellationToken)
    {
        if (pin is { PinnedBy: not null } && pin.Hash == tool.Hash)
        {
            return;
        }

        var hits = Screening.DescriptionScreen.ScanTool(tool.Descriptor);
        if (hits.Count == 0)
        {
            return;
        }

        var first = hits[0];
        LogPoisoned(server, tool.UpstreamName, string.Join(", ", hits.Select(h => $"{h.RuleId} at {h.Field}: \"{h.Excerpt}\"")));
        await AuditAsync(tool, $"Poisoned: {string.Join(",", hits.Select(h => h.RuleId).Distinct())}", cancellationToken).ConfigureAwait(false);
        if (mode == UpstreamPinning.Strict)
        {
            tool.Quarantined = $"The tool '{tool.Tool.Name}' of the MCP server '{server}' is quarantined: {first.Reason} (in {first.Field}: \"{first.Excerpt}\"). An admin who has read it can approve it: lumina servers approve {server} {tool.UpstreamName}.";
        }
    }

    /// <summary>Whether an admin has approved <paramref name="tool"/>'s current descriptor since: then its quarantine is lifted.</summary>
    public async Task<bool> ApprovedSinceAsync(UpstreamTool tool, CancellationToken cancellationToken)
    {
        // Only an admin's approval of exactly this descriptor lifts a quarantine (a pin made on first sight does not).
        if (Store is not { } store || await store.GetAsync(server, tool.UpstreamName, cancellationToken).ConfigureAwait(false) is not { PinnedBy: not null } pin || pin.Hash != tool.Hash)
        {
            return false;
        }

        tool.Quarantined = null;
        return true;
    }

    /// <summary>Pins <paramref name="tool"/>'s current descriptor as approved by <paramref name="approvedBy"/>, and lifts its quarantine.</summary>
    public async Task ApproveAsync(UpstreamTool tool, string approvedBy, CancellationToken cancellationToken)
    {
        var store = services.GetService<IToolPinStore>() ?? throw new LuminaException("No pin store is registered.");
        await store.SetAsync(new ToolPin(server, tool.UpstreamName, tool.Hash, tool.Canonical, time.GetUtcNow(), approvedBy), cancellationToken).ConfigureAwait(false);
        tool.Quarantined = null;
    }

    /// <summary>Every pin of the server.</summary>
    public Task<IReadOnlyList<ToolPin>> ListAsync(CancellationToken cancellationToken) =>
        services.GetService<IToolPinStore>()?.ListAsync(server, cancellationToken) ?? Task.FromResult<IReadOnlyList<ToolPin>>([]);

    private static string Short(string diff) => diff.Length > 300 ? diff[..300] + "…" : diff;

    /// <summary>Writes a finding to the audit ledger: the served tool, its descriptor's hash as the digest, and what was found (both hashes, for a change).</summary>
    private async Task AuditAsync(UpstreamTool tool, string kind, CancellationToken cancellationToken)
    {
        if (services.GetKeyedService<IAuditLedger>(LuminaStoreKeys.Audit) is not { } ledger)
        {
            return;
        }

        var outcome = mode == UpstreamPinning.Strict ? AuditOutcome.Denied : AuditOutcome.Ok;
        await ledger.AppendAsync(new AuditEntry(time.GetUtcNow(), "lumina", "system", LuminaTransport.InProcess, tool.Tool.Name!, tool.Hash, outcome, kind, 0), cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server}: the tool {Tool} changed since it was approved (pin {Pinned}, now {Current}): {Diff}")]
    private partial void LogChanged(string server, string tool, string pinned, string current, string diff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server}: the new tool {Tool} is quarantined until an admin approves it")]
    private partial void LogQuarantinedNew(string server, string tool);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server}: the tool {Tool} reads like instructions to the model: {Hits}")]
    private partial void LogPoisoned(string server, string tool, string hits);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server {Server}: the new tool {Tool} is served and pinned (pinning: warn)")]
    private partial void LogNewTool(string server, string tool);
}
