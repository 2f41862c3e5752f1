using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Lumina.Core.Audit;
using Microsoft.Extensions.Options;

namespace Lumina.Host.Cli;

/// <summary>
/// <c>lumina audit verify</c> and <c>lumina audit tail [-n N]</c>: the audit ledger from the command line, read from the
/// store the server's own configuration names (appsettings.json, <c>Lumina__…</c> environment, <c>--Section:Key=value</c>).
/// </summary>
internal static class AuditCommand
{
    /// <summary>The one-line usage shown under a usage error.</summary>
    public const string Usage = "usage: lumina audit verify | lumina audit tail [-n COUNT] [--Section:Key=value ...]";

    /// <summary>
    /// <c>audit verify</c> and <c>audit tail</c>. Exit codes: 0 when done (verify: the ledger is intact), 1 when the
    /// ledger is broken or cannot be read (a damaged file, a record with a missing or wrongly typed field, a store that
    /// does not answer: the message names the record and what is wrong) or went back (its head is behind the head mark
    /// kept outside the store), 2 on a usage error, 3 when the chain is intact but records may be missing (a host stopped
    /// without writing its queue, or the ledger notes it went back earlier).
    /// </summary>
    public static Command Create(Func<string[]> configuration)
    {
        var verify = new Command("verify", "Check the ledger's hash chain: exit 1 naming the first bad record, 3 when records may be missing.");
        verify.SetAction((result, cancellationToken) => RunAsync(configuration(), (ledger, services, token) => VerifyAsync(ledger, services, token), cancellationToken));

        var count = new Option<int>("-n", "--count")
        {
            Description = "How many records (default 20).",
            HelpName = "COUNT",
            DefaultValueFactory = _ => 20,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1)
                {
                    return value;
                }

                result.AddError($"{(result.Parent as OptionResult)?.IdentifierToken?.Value ?? "-n"} needs a positive whole number, e.g. -n 50");
                return 0;
            },
        };
        var tail = new Command("tail", "Print the ledger's last records.") { count };
        tail.SetAction((result, cancellationToken) => RunAsync(configuration(), (ledger, _, token) => TailAsync(ledger, result.GetValue(count), token), cancellationToken));

        return new Command("audit", "The audit ledger, read from the store the server's configuration names.") { verify, tail };
    }

    private static async Task<int> RunAsync(string[] configuration, Func<IAuditLedger, IServiceProvider, CancellationToken, Task<int>> command, CancellationToken cancellationToken)
    {
        using var host = BuildHost(configuration);
        try
        {
            return await command(host.Services.GetRequiredService<IAuditLedger>(), host.Services, cancellationToken).ConfigureAwait(false);
        }
        catch (AuditUnreadableException ex)
        {
            await Console.Error.WriteLineAsync($"lumina: the audit ledger cannot be read: {ex.Reason}.").ConfigureAwait(false);
            return 1;
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or OptionsValidationException))
        {
            // The store itself failed (a file that is not a database, a server that does not answer): its own words say why.
            await Console.Error.WriteLineAsync($"lumina: the audit ledger cannot be read: {Innermost(ex).Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }

    private static async Task<int> VerifyAsync(IAuditLedger ledger, IServiceProvider services, CancellationToken cancellationToken)
    {
        var result = await ledger.VerifyAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsIntact)
        {
            var gaps = await AuditContinuity.FindAsync(services, scanRecords: true, cancellationToken).ConfigureAwait(false);
            if (gaps.FirstOrDefault(g => g is { WentBack: true, Recorded: false }) is { } wentBack)
            {
                await Console.Error.WriteLineAsync($"lumina: audit ledger went back: {wentBack.Reason}.").ConfigureAwait(false);
                return 1;
            }

            var head = result.HeadHash is null ? string.Empty : $" (head {result.HeadHash})";
            if (gaps.Count > 0)
            {
                await Console.Out.WriteLineAsync($"audit ledger chain intact: {result.Count} records{head}, but records may be missing:").ConfigureAwait(false);
                foreach (var gap in gaps)
                {
                    await Console.Out.WriteLineAsync($"  {gap.Reason}").ConfigureAwait(false);
                }

                return 3;
            }

            await Console.Out.WriteLineAsync($"audit ledger intact: {result.Count} records{head}").ConfigureAwait(false);
            return 0;
        }

        await Console.Error.WriteLineAsync(
            $"lumina: audit ledger broken at record {result.FirstBadSequence} ({result.Fault?.ToString().ToLowerInvariant()}): {result.Reason} {result.Count} records before it are intact.").ConfigureAwait(false);
        return 1;
    }

    private static async Task<int> TailAsync(IAuditLedger ledger, int count, CancellationToken cancellationToken)
    {
        foreach (var record in await ledger.ReadRecentAsync(count, cancellationToken).ConfigureAwait(false))
        {
            var context = record.Context is null ? string.Empty : $" [{record.Context}]";
            var outcome = record.ErrorKind is null ? record.Outcome.ToString().ToLowerInvariant() : $"{record.Outcome.ToString().ToLowerInvariant()}:{record.ErrorKind}";
            await Console.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"#{record.Sequence} {record.Time:yyyy-MM-ddTHH:mm:ss.fffZ} {record.CallerId} ({record.CallerRole}, {record.Transport.ToString().ToLowerInvariant()}) {record.Function} {outcome} {record.DurationMs}ms args={record.ArgumentsDigest[..Math.Min(12, record.ArgumentsDigest.Length)]} hash={record.Hash[..Math.Min(12, record.Hash.Length)]}{context}")).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>The server's configuration and services, without starting anything: only the ledger is resolved.</summary>
    private static IHost BuildHost(string[] args)
    {
        var builder = LuminaHosting.CreateBuilder(args);
        LuminaHosting.ConfigureLogging(builder.Logging);
        builder.Services.AddLuminaServer(builder.Configuration);
        return builder.Build();
    }
}
