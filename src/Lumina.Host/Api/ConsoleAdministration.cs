using System.Diagnostics;
using System.Net;
using Lumina.Abstractions;
using Lumina.Core.Audit;
using Lumina.Core.Auth;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Host.Api;

/// <summary>
/// The gate and the ledger of the HTTP API's administrative endpoints (users, keys, the audit ledger, another user's
/// memory): work no kernel function does, so the authorizer and the audit filter never see it. The caller's role must
/// grant <c>manage</c> in the same <see cref="LuminaRoles"/> table the authorizer uses, and the caller must not be bound
/// to a tool set (a bound identity is confined to its set's tools, and administration is none of them). Every call —
/// refused, failed or done — is one record in the audit ledger, written the way the configuration says
/// (<c>Lumina:Audit:…</c>), with the function <c>console_…</c>, a digest of the arguments that never covers a password or
/// a key, and what it was about as the record's context (<c>user alice</c>).
/// </summary>
internal static class ConsoleAdministration
{
    /// <summary>
    /// Runs <paramref name="action"/> for the caller when it may administer Lumina, else answers 403; records either in
    /// the ledger. A 4xx or 5xx answer is recorded as an error whose kind is the status (<c>NotFound</c>, <c>Conflict</c>…).
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="function">The name the ledger records, <c>console_…</c>.</param>
    /// <param name="arguments">What was asked, without secrets: digested, never stored.</param>
    /// <param name="subject">What the call is about (<c>user alice</c>), kept as the record's context; null for nothing in particular.</param>
    /// <param name="action">The work, given the caller.</param>
    public static async Task<IResult> RunAsync(HttpContext context, string function, KernelArguments arguments, string? subject, Func<LuminaCaller, Task<IResult>> action)
    {
        var services = context.RequestServices;
        var caller = LuminaHttpApi.Caller(context, services.GetRequiredService<IOptions<LuminaAuthOptions>>());
        var recorder = services.GetService<AuditRecorder>();
        var failClosed = services.GetRequiredService<IOptions<AuditOptions>>().Value.FailClosed;
        if (Refusal(caller, function) is { } refusal)
        {
            return await RecordAsync(recorder, failClosed, Entry(caller, function, arguments, subject, AuditOutcome.Denied, LuminaAccessNames.DeniedKind(LuminaAccess.Invoke), 0))
                ?? LuminaHttpApi.Problem(403, "Forbidden", refusal);
        }

        if (recorder is { Enabled: true } && failClosed)
        {
            try
            {
                // Nothing is changed that could not be recorded.
                recorder.RefuseWhileUnrecordable(function);
            }
            catch (LuminaRefusalException ex)
            {
                return LuminaHttpApi.Problem(502, "Unavailable", ex.Message);
            }
        }

        var started = Stopwatch.GetTimestamp();
        IResult result;
        try
        {
            result = await action(caller).ConfigureAwait(false);
        }
        catch (LuminaIdentityException ex)
        {
            // The store refused what the checks before it let through (a user removed meanwhile, by another host): its words are safe to show.
            result = LuminaHttpApi.Problem(400, "Bad request", ex.Message);
        }

        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? 200;
        var entry = Entry(
            caller, function, arguments, subject,
            status < 400 ? AuditOutcome.Ok : AuditOutcome.Error,
            status < 400 ? null : ((HttpStatusCode)status).ToString(),
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return await RecordAsync(recorder, failClosed, entry) ?? result;
    }

    /// <summary>Why <paramref name="caller"/> may not administer Lumina, or null when it may.</summary>
    public static string? Refusal(LuminaCaller caller, string function)
    {
        if (!LuminaRoles.Grants(caller.Role, LuminaPermission.Manage))
        {
            return $"Forbidden: {function} needs the 'manage' permission; {caller.Name} has the role '{caller.Role}'.";
        }

        return caller.ToolSet is { } set
            ? $"Forbidden: {caller.Name} is bound to the tool set '{set}', and administration is in no tool set."
            : null;
    }

    /// <summary>Whether <paramref name="caller"/> may use the administrative endpoints.</summary>
    public static bool IsAdministrator(LuminaCaller caller) => Refusal(caller, "administration") is null;

    private static AuditEntry Entry(LuminaCaller caller, string function, KernelArguments arguments, string? subject, AuditOutcome outcome, string? kind, long durationMs) =>
        new(DateTimeOffset.UtcNow, caller.Id, caller.Role, caller.Transport, function, AuditChain.DigestArguments(arguments), outcome, kind, durationMs, subject);

    /// <summary>Records <paramref name="entry"/>; null when it was kept (or audit is off), else the problem to answer.</summary>
    private static async Task<IResult?> RecordAsync(AuditRecorder? recorder, bool failClosed, AuditEntry entry)
    {
        if (recorder is not { Enabled: true })
        {
            return null;
        }

        try
        {
            await recorder.RecordAsync(entry, failClosed).ConfigureAwait(false);
            return null;
        }
        catch (LuminaRefusalException ex)
        {
            return LuminaHttpApi.Problem(502, "Unavailable", ex.Message);
        }
    }
}
