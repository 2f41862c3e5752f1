using System.Globalization;
using System.Text.Json;
using Lumina.Core.Audit;
using Microsoft.SemanticKernel;

namespace Lumina.Host.Api;

/// <summary>
/// The audit ledger over HTTP for administrators: search it newest first (<c>GET /v1/audit</c>), verify its chain
/// (<c>POST /v1/audit/verify</c>), and export it as NDJSON (<c>GET /v1/audit/export</c>). Every one of these calls is
/// itself a record of the ledger (<see cref="ConsoleAdministration"/>).
/// </summary>
/// <remarks>
/// The ledger is read in pages of <see cref="Page"/> records, never whole: a search examines at most
/// <see cref="MaxScan"/> records per request and says how many it examined (<c>scanned</c>) and whether it stopped at
/// that cap (<c>capped</c>) — its <c>next</c> then continues the search where it stopped.
/// </remarks>
internal static class ConsoleAuditApi
{
    /// <summary>How many records are read from the ledger at a time.</summary>
    public const int Page = 500;

    /// <summary>The most records one search request examines.</summary>
    public const int MaxScan = 10_000;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static void MapConsoleAuditApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/audit", SearchAsync);
        endpoints.MapPost("/audit/verify", VerifyAsync).DisableAntiforgery();
        endpoints.MapGet("/audit/export", ExportAsync);
    }

    private static Task<IResult> SearchAsync(HttpContext context, IAuditLedger ledger)
    {
        var query = context.Request.Query;
        var arguments = new KernelArguments { ["before"] = (string?)query["before"], ["count"] = (string?)query["count"], ["q"] = (string?)query["q"], ["caller"] = (string?)query["caller"], ["outcome"] = (string?)query["outcome"] };
        return ConsoleAdministration.RunAsync(context, "console_audit_search", arguments, null, async _ =>
        {
            var (before, beforeError) = Number(query, "before", 1, long.MaxValue);
            var (wanted, countError) = Number(query, "count", 1, 500);
            if ((beforeError ?? countError) is { } bad)
            {
                return BadRequest(bad);
            }

            var count = (int)(wanted ?? 50);
            AuditOutcome? outcome = null;
            if (query["outcome"] is [{ } named])
            {
                if (OutcomeOf(named) is not { } parsed)
                {
                    return BadRequest($"'outcome' must be one of {string.Join(", ", Enum.GetValues<AuditOutcome>().Select(OutcomeName))}, not '{named}'.");
                }

                outcome = parsed;
            }

            var text = Single(query, "q");
            var caller = Single(query, "caller");
            try
            {
                var head = (await ledger.ReadRecentAsync(1, context.RequestAborted).ConfigureAwait(false)) is [var last] ? last.Sequence : 0;
                // The highest sequence not examined yet: the search walks down from it, a page at a time.
                var upper = Math.Min(head, (before ?? long.MaxValue) - 1);
                var found = new List<RecordView>(count);
                var scanned = 0;
                while (upper >= 1 && found.Count < count && scanned < MaxScan)
                {
                    var from = Math.Max(1, upper - Math.Min(Page, MaxScan - scanned) + 1);
                    var page = await ledger.ReadRangeAsync(from, (int)(upper - from + 1), context.RequestAborted).ConfigureAwait(false);
                    for (var i = page.Count - 1; i >= 0 && found.Count < count; i--)
                    {
                        scanned++;
                        upper = page[i].Sequence - 1;
                        if (Matches(page[i], text, caller, outcome))
                        {
                            found.Add(RecordView.Of(page[i]));
                        }
                    }

                    if (page.Count == 0)
                    {
                        upper = from - 1;
                    }
                }

                var capped = found.Count < count && upper >= 1;
                return Results.Json(new SearchView(found, upper >= 1 ? upper + 1 : null, scanned, capped), s_json);
            }
            catch (AuditUnreadableException ex)
            {
                return Unreadable(ex);
            }
        });
    }

    private static Task<IResult> VerifyAsync(HttpContext context, IAuditLedger ledger) =>
        ConsoleAdministration.RunAsync(context, "console_audit_verify", [], null, async _ =>
        {
            try
            {
                var result = await ledger.VerifyAsync(context.RequestAborted).ConfigureAwait(false);
                if (!result.IsIntact)
                {
                    return Results.Json(
                        new VerifyView(false, result.Count, $"The ledger is broken at record {result.FirstBadSequence} ({result.Fault?.ToString().ToLowerInvariant()}): {result.Reason} The {result.Count} records before it are intact.", result.FirstBadSequence, result.HeadHash, []),
                        s_json);
                }

                // What the chain alone cannot show, as `lumina audit verify` reports it: a store that went back, or records that may be missing.
                var gaps = await AuditContinuity.FindAsync(context.RequestServices, scanRecords: true, context.RequestAborted).ConfigureAwait(false);
                var reasons = gaps.Select(g => g.Reason).ToList();
                if (gaps.FirstOrDefault(g => g is { WentBack: true, Recorded: false }) is { } wentBack)
                {
                    return Results.Json(new VerifyView(false, result.Count, $"The ledger went back: {wentBack.Reason}.", null, result.HeadHash, reasons), s_json);
                }

                var message = gaps.Count == 0
                    ? $"The chain is intact: {result.Count} records."
                    : $"The chain is intact: {result.Count} records, but records may be missing: {string.Join("; ", reasons)}.";
                return Results.Json(new VerifyView(true, result.Count, message, null, result.HeadHash, reasons), s_json);
            }
            catch (AuditUnreadableException ex)
            {
                return Results.Json(new VerifyView(false, 0, $"The audit ledger cannot be read: {ex.Reason}.", null, null, []), s_json);
            }
        });

    private static Task<IResult> ExportAsync(HttpContext context, IAuditLedger ledger)
    {
        var query = context.Request.Query;
        var arguments = new KernelArguments { ["from"] = (string?)query["from"], ["to"] = (string?)query["to"] };
        return ConsoleAdministration.RunAsync(context, "console_audit_export", arguments, null, async _ =>
        {
            var (from, fromError) = Number(query, "from", 1, long.MaxValue);
            var (to, toError) = Number(query, "to", 1, long.MaxValue);
            if ((fromError ?? toError) is { } bad)
            {
                return BadRequest(bad);
            }

            var first = from ?? 1;
            if (to is { } end && end < first)
            {
                return BadRequest($"'to' ({end}) must not be before 'from' ({first}).");
            }

            long last;
            try
            {
                // The records up to the head as it is now: those appended while the export runs (this call's own record) are the next export's.
                last = Math.Min(to ?? long.MaxValue, (await ledger.ReadRecentAsync(1, context.RequestAborted).ConfigureAwait(false)) is [var head] ? head.Sequence : 0);
            }
            catch (AuditUnreadableException ex)
            {
                return Unreadable(ex);
            }

            var name = string.Create(CultureInfo.InvariantCulture, $"lumina-audit-{first}-{Math.Max(first - 1, last)}.ndjson");
            return Results.Stream(stream => WriteAsync(ledger, first, last, stream, context.RequestAborted), "application/x-ndjson", name);
        });
    }

    /// <summary>Writes records <paramref name="first"/> to <paramref name="last"/>, oldest first, one JSON object a line.</summary>
    private static async Task WriteAsync(IAuditLedger ledger, long first, long last, Stream stream, CancellationToken cancellationToken)
    {
        var newline = "\n"u8.ToArray();
        for (var from = first; from <= last;)
        {
            var page = await ledger.ReadRangeAsync(from, (int)Math.Min(Page, last - from + 1), cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var record in page)
            {
                await JsonSerializer.SerializeAsync(stream, RecordView.Of(record), s_json, cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync(newline, cancellationToken).ConfigureAwait(false);
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            from = page[^1].Sequence + 1;
        }
    }

    private static bool Matches(AuditRecord record, string? text, string? caller, AuditOutcome? outcome) =>
        (outcome is null || record.Outcome == outcome)
        && (caller is null || Lumina.Core.Auth.CallerIds.Matches(record.CallerId, caller))
        && (text is null
            || record.Function.Contains(text, StringComparison.OrdinalIgnoreCase)
            || record.CallerId.Contains(text, StringComparison.OrdinalIgnoreCase)
            || (record.ErrorKind?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false)
            || (record.Context?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false));

    /// <summary>How the console names an outcome: <c>ok</c>, <c>refused</c> (denied), <c>failed</c> (error), <c>cancelled</c>, <c>input_required</c>.</summary>
    internal static string OutcomeName(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Ok => "ok",
        AuditOutcome.Denied => "refused",
        AuditOutcome.Error => "failed",
        AuditOutcome.Cancelled => "cancelled",
        AuditOutcome.InputRequired => "input_required",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    private static AuditOutcome? OutcomeOf(string name) =>
        Enum.GetValues<AuditOutcome>().Cast<AuditOutcome?>().FirstOrDefault(o => string.Equals(OutcomeName(o!.Value), name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>A whole-number query parameter within bounds: its value (null when absent), or what is wrong with it.</summary>
    private static (long? Value, string? Error) Number(IQueryCollection query, string name, long min, long max)
    {
        if (query[name].Count == 0)
        {
            return (null, null);
        }

        if (query[name].Count > 1)
        {
            return (null, $"'{name}' is given more than once.");
        }

        var text = query[name][0];
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return (null, $"'{name}' must be a whole number, not '{text}'.");
        }

        return value < min || value > max ? (null, $"'{name}' must be between {min} and {max}, not {value}.") : (value, null);
    }

    private static string? Single(IQueryCollection query, string name) => query[name] is [{ Length: > 0 } value] ? value : null;

    private static IResult BadRequest(string detail) => LuminaHttpApi.Problem(400, "Bad request", detail);

    private static IResult Unreadable(AuditUnreadableException ex) => LuminaHttpApi.Problem(500, "Audit ledger unreadable", $"The audit ledger cannot be read: {ex.Reason}.");

    /// <summary>A page of a search: <c>next</c> is the <c>before</c> of the next page, null at the start of the ledger.</summary>
    private sealed record SearchView(IReadOnlyList<RecordView> Records, long? Next, int Scanned, bool Capped);

    /// <summary>The answer of a verification.</summary>
    private sealed record VerifyView(bool Valid, long Records, string Message, long? FirstBadSequence, string? HeadHash, IReadOnlyList<string> Gaps);

    /// <summary>
    /// A record as the console shows and exports it: every stored field, so an export can be checked against the chain
    /// (<c>previousHash</c>, <c>argumentsDigest</c>); <c>detail</c> is the record's error kind.
    /// </summary>
    private sealed record RecordView(
        long Sequence,
        DateTimeOffset Timestamp,
        string Caller,
        string Role,
        string Transport,
        string Function,
        string Outcome,
        long DurationMs,
        string? Detail,
        string? Context,
        string ArgumentsDigest,
        string PreviousHash,
        string Hash)
    {
        public static RecordView Of(AuditRecord r) => new(
            r.Sequence, r.Time, r.CallerId, r.CallerRole, r.Transport.ToString().ToLowerInvariant(), r.Function, OutcomeName(r.Outcome), r.DurationMs,
            r.ErrorKind, r.Context, r.ArgumentsDigest, r.PreviousHash, r.Hash);
    }
}
