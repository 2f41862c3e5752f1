using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Lumina.Abstractions;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Audit;

/// <summary>
/// Records every kernel invocation — over MCP, HTTP, in-process, and the tool calls a prompt function's model makes —
/// in the <see cref="IAuditLedger"/>: who called what, a digest of the arguments, how it ended and how long it took.
/// </summary>
/// <remarks>
/// It wraps the authorization and memory filters registered after it, so a refused call is recorded as
/// <see cref="AuditOutcome.Denied"/>. Whatever the call threw is rethrown unchanged. When the record cannot be written
/// the call fails (<see cref="AuditOptions.FailClosed"/>): an audit trail with silent holes proves nothing. With
/// <see cref="AuditDurability.Buffered"/> the record is queued for the <see cref="AuditWriter"/> and the call returns at
/// once; while the writer cannot write, or its queue is full, new calls are refused before they run.
/// </remarks>
internal sealed partial class AuditFilter(
    IAuditLedger store,
    AuditWriter writer,
    ILuminaCallContextAccessor context,
    IOptions<AuditOptions> options,
    LuminaTelemetry telemetry,
    TimeProvider time,
    ILogger<AuditFilter> logger) : IFunctionInvocationFilter
{
    private readonly ILogger _logger = logger;
    private readonly string _storeName = AuditWriter.SystemName(store);

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext invocation, Func<FunctionInvocationContext, Task> next)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            await next(invocation).ConfigureAwait(false);
            return;
        }

        var buffered = settings.Durability == AuditDurability.Buffered;
        var function = FunctionNames.Underscored(invocation.Function);
        if (buffered && settings.FailClosed)
        {
            RefuseWhileUnrecordable(function);
        }

        var caller = context.Current.Caller;

        // Digested before the call: a function may change its arguments, and the record is of what was asked.
        var digest = AuditChain.DigestArguments(invocation.Arguments);
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

        var (outcome, kind) = Classify(failure);
        var entry = new AuditEntry(startedAt, caller.Id, caller.Role, caller.Transport, function, digest, outcome, kind, (long)time.GetElapsedTime(started).TotalMilliseconds);

        // A cancelled call's caller has gone: its cancellation stands even when the record cannot be written.
        var failClosed = settings.FailClosed && failure is not OperationCanceledException;
        if (buffered)
        {
            Enqueue(entry, failClosed);
        }
        else
        {
            await AppendAsync(entry, failClosed).ConfigureAwait(false);
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>Refuses a call before it runs when its record could not be kept: the writer is failing or its queue is full.</summary>
    private void RefuseWhileUnrecordable(string function)
    {
        if (writer.Failure is { } failure)
        {
            throw new LuminaException(
                $"The audit ledger is unavailable, so the call to {function} was refused before it ran: every call must be recorded (Lumina:Audit:FailClosed). {writer.Pending} records wait to be written and are retried; the host's log has the details.",
                failure);
        }

        if (writer.IsFull)
        {
            throw new LuminaException(
                $"The audit queue is full ({writer.MaxPending} records wait to be written, Lumina:Audit:MaxPending), so the call to {function} was refused before it ran: every call must be recorded (Lumina:Audit:FailClosed).");
        }
    }

    /// <summary>Queues the record for the writer; when the queue is full, fails the call (failing closed) or drops the record and logs it.</summary>
    private void Enqueue(AuditEntry entry, bool failClosed)
    {
        if (writer.TryEnqueue(entry))
        {
            return;
        }

        if (failClosed)
        {
            LogQueueFull(entry.Function, entry.Outcome, writer.MaxPending);
            throw new LuminaException(
                $"The audit queue is full ({writer.MaxPending} records wait to be written, Lumina:Audit:MaxPending), so the call to {entry.Function} failed: every call must be recorded (Lumina:Audit:FailClosed).");
        }

        writer.RecordDropped(entry);
    }

    /// <summary>Appends the record inside a <c>lumina.store</c> span; when it cannot, logs an error and, failing closed, fails the call.</summary>
    private async Task AppendAsync(AuditEntry entry, bool failClosed)
    {
        using var activity = LuminaTelemetry.Source.StartActivity("lumina.store audit_append", ActivityKind.Client);
        activity?.SetTag("db.system.name", _storeName);
        activity?.SetTag("db.operation.name", "audit_append");
        var started = time.GetTimestamp();
        try
        {
            // Not the call's token: a cancelled call must still be recorded, as cancelled.
            await store.AppendAsync(entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            LogAppendFailed(entry.Function, entry.Outcome, ex);
            if (failClosed)
            {
                throw new LuminaException(
                    $"The audit ledger is unavailable, so the call to {entry.Function} failed: every call must be recorded (Lumina:Audit:FailClosed). The host's log has the details.",
                    ex);
            }
        }
        finally
        {
            telemetry.StoreDuration.Record(time.GetElapsedTime(started).TotalSeconds, new("db.system.name", _storeName), new("db.operation.name", "audit_append"));
        }
    }

    /// <summary>The outcome, and for a failure the exception's type name — never its message, which may quote arguments.</summary>
    private static (AuditOutcome Outcome, string? Kind) Classify(Exception? failure) => failure switch
    {
        null => (AuditOutcome.Ok, null),
        OperationCanceledException => (AuditOutcome.Cancelled, failure.GetType().Name),
        LuminaException when failure.Message.StartsWith("Forbidden", StringComparison.Ordinal) => (AuditOutcome.Denied, "Forbidden"),
        _ => (AuditOutcome.Error, failure.GetType().Name),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not append the audit record of a call to {Function} (outcome {Outcome})")]
    private partial void LogAppendFailed(string function, AuditOutcome outcome, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not queue the audit record of a call to {Function} (outcome {Outcome}): {MaxPending} records wait to be written (Lumina:Audit:MaxPending); the call fails")]
    private partial void LogQueueFull(string function, AuditOutcome outcome, int maxPending);
}
