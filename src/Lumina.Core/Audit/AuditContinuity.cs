using System.Globalization;
using Lumina.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Core.Audit;

/// <summary>
/// What the chain alone cannot show: a store that went back (lost or replaced: its head is behind the mark kept outside
/// it), hosts that stopped without writing their queue, and the records hosts wrote on start to note either.
/// </summary>
public static class AuditContinuity
{
    private const int Page = 1000;

    /// <summary>The gaps found now, and with <paramref name="scanRecords"/> those the ledger's records note.</summary>
    /// <param name="services">The host's services (the audit store and its head mark).</param>
    /// <param name="scanRecords">Whether to read the whole ledger for the records that note gaps.</param>
    /// <param name="cancellationToken">Stops the reads.</param>
    public static async Task<IReadOnlyList<AuditGap>> FindAsync(IServiceProvider services, bool scanRecords, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var store = services.GetRequiredKeyedService<IAuditLedger>(AuditServiceCollectionExtensions.StoreKey);
        var mark = services.GetRequiredService<AuditHeadMark>();
        var found = await FindNewAsync(store, mark, cancellationToken).ConfigureAwait(false);
        var gaps = found.Select(f => f.Gap).ToList();
        if (scanRecords)
        {
            for (var from = 1L; ; from += Page)
            {
                var records = await store.ReadRangeAsync(from, Page, cancellationToken).ConfigureAwait(false);
                gaps.AddRange(records
                    .Where(r => r.Function is AuditHeadMark.WentBackFunction or AuditHeadMark.UncleanStopFunction)
                    .Select(r => new AuditGap($"record {r.Sequence} notes: {r.ErrorKind}", Recorded: true, r.Function == AuditHeadMark.WentBackFunction)));
                if (records.Count < Page)
                {
                    break;
                }
            }
        }

        return gaps;
    }

    /// <summary>The gaps not noted yet, each with the record a host writes to note it and the marker it clears.</summary>
    internal static async Task<IReadOnlyList<(AuditGap Gap, AuditEntry Entry, string? Marker)>> FindNewAsync(IAuditLedger store, AuditHeadMark mark, CancellationToken cancellationToken)
    {
        var found = new List<(AuditGap, AuditEntry, string?)>();
        var last = (await store.ReadRecentAsync(1, cancellationToken).ConfigureAwait(false)) is [var record] ? record : null;
        var stored = last?.Sequence ?? 0;
        if (mark.Read() is { } marked)
        {
            string? reason = null;
            if (stored < marked.Sequence)
            {
                reason = $"the ledger went back from {marked.Sequence} to {stored} records (its head mark {mark.Path} says {marked.Sequence}): the store lost records or was replaced by an older copy";
            }
            else if (marked.Sequence > 0
                && !((await store.ReadRangeAsync(marked.Sequence, 1, cancellationToken).ConfigureAwait(false)) is [{ } atMark] && string.Equals(atMark.Hash, marked.Hash, StringComparison.Ordinal)))
            {
                reason = $"the ledger went back from {marked.Sequence} to {stored} records: record {marked.Sequence} is not the one its head mark {mark.Path} names, so the store was replaced by another chain";
            }

            if (reason is not null)
            {
                found.Add((new AuditGap(reason, Recorded: false, WentBack: true), Note(AuditHeadMark.WentBackFunction, $"went back from {marked.Sequence} to {stored}", marked), null));
            }
        }

        foreach (var (pid, marker) in mark.Abandoned())
        {
            var reason = string.Create(CultureInfo.InvariantCulture, $"host process {pid} stopped without writing its queue (killed or crashed): records of calls it answered after record {stored} may be missing");
            found.Add((new AuditGap(reason, Recorded: false, WentBack: false), Note(AuditHeadMark.UncleanStopFunction, string.Create(CultureInfo.InvariantCulture, $"host process {pid} stopped uncleanly; records after {stored} may be missing"), null), marker));
        }

        return found;
    }

    private static AuditEntry Note(string function, string what, AuditHead? marked) => new(
        DateTimeOffset.UtcNow, "lumina", "system", LuminaTransport.InProcess, function,
        AuditChain.DigestArguments(marked is null ? null : new() { ["markedSequence"] = marked.Sequence, ["markedHash"] = marked.Hash }),
        AuditOutcome.Error, what, 0);
}
