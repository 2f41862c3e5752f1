using System.Runtime.ExceptionServices;
using Lumina.Abstractions;
using Lumina.Core.Auth;
using Lumina.Core.Invocation;
using Lumina.Core.Plugins;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Audit;

/// <summary>
/// Records every kernel invocation — over MCP, HTTP, in-process, and the tool calls a prompt function's model makes —
/// in the <see cref="IAuditLedger"/>: who called what, a digest of the arguments, how it ended and how long it took.
/// </summary>
/// <remarks>
/// It wraps the authorization, policy and memory filters registered after it, so a refused call is recorded as
/// <see cref="AuditOutcome.Denied"/> (kind <c>Forbidden:invoke</c>) — once: a refusal the authorizer already recorded
/// (<see cref="ILuminaAuthorizer.DemandAsync"/> records every refusal it makes) is not recorded again. Whatever the
/// call threw is rethrown unchanged. When the record cannot be written the call fails
/// (<see cref="AuditOptions.FailClosed"/>): an audit trail with silent holes proves nothing. With
/// <see cref="AuditDurability.Buffered"/> the record is queued for the <see cref="AuditWriter"/> and the call returns
/// at once, carrying a copy of its arguments that the writer digests (so the call pays for neither the canonical form
/// nor the hash); while the writer cannot write, or its queue is full, new calls are refused before they run.
/// </remarks>
internal sealed class AuditFilter(
    AuditRecorder recorder,
    ILuminaCallContextAccessor context,
    IOptions<AuditOptions> options,
    TimeProvider time) : IFunctionInvocationFilter
{
    private static readonly string s_deniedKind = LuminaAccessNames.DeniedKind(LuminaAccess.Invoke);

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext invocation, Func<FunctionInvocationContext, Task> next)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            await next(invocation).ConfigureAwait(false);
            return;
        }

        var buffered = settings.Durability == AuditDurability.Buffered;
        var function = FunctionNames.Served(invocation.Function);
        if (buffered && settings.FailClosed)
        {
            recorder.RefuseWhileUnrecordable(function);
        }

        var caller = context.Current.Caller;

        // Kept before the call (a function may change its arguments, and the record is of what was asked) and, when
        // buffered, digested by the audit writer rather than on the call's path; what could change later is digested now.
        var arguments = buffered ? AuditChain.SnapshotArguments(invocation.Arguments) : null;
        var digest = arguments is null ? AuditChain.DigestArguments(invocation.Arguments) : string.Empty;
        var purpose = LuminaAuditContext.Current;
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        Exception? failure = null;
        try
        {
            await next(invocation).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        if (failure is not null && AuditRecorder.IsRecorded(failure, invocation.Function))
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        var (outcome, kind) = Classify(failure);
        var entry = new AuditEntry(startedAt, caller.Id, caller.Role, caller.Transport, function, digest, outcome, kind, (long)time.GetElapsedTime(started).TotalMilliseconds, purpose);

        // A cancelled call's caller has gone: its cancellation stands even when the record cannot be written.
        await recorder.RecordAsync(entry, arguments, settings.FailClosed && failure is not OperationCanceledException).ConfigureAwait(false);

        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>
    /// The outcome, by the failure's type and refusal kind (<see cref="Refusals"/>), and for a failure that is no denial
    /// the exception's type name — never its message, which may quote arguments.
    /// </summary>
    private static (AuditOutcome Outcome, string? Kind) Classify(Exception? failure) => failure switch
    {
        null => (AuditOutcome.Ok, null),
        OperationCanceledException => (AuditOutcome.Cancelled, failure.GetType().Name),
        LuminaInputRequiredException => (AuditOutcome.InputRequired, null),
        _ when Refusals.IsDenial(failure) => (AuditOutcome.Denied, s_deniedKind),
        _ => (AuditOutcome.Error, failure.GetType().Name),
    };
}
