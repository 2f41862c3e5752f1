using System.Diagnostics;
using System.Runtime.CompilerServices;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Audit;

/// <summary>
/// Writes audit records the way the configuration says (<see cref="AuditOptions.Durability"/>,
/// <see cref="AuditOptions.FailClosed"/>): the <see cref="AuditFilter"/> for every kernel invocation, and the
/// authorizer for every refusal, on whichever path it happens (an MCP request refused before any function runs too).
/// </summary>
internal sealed partial class AuditRecorder(
    IAuditLedger store,
    string storeName,
    AuditWriter writer,
    IOptions<AuditOptions> options,
    LuminaTelemetry telemetry,
    TimeProvider time,
    ILogger<AuditRecorder> logger)
{
    // The refusals already recorded, with the function each refused: the audit filter around that function's invocation
    // must not record them twice (an enclosing invocation, such as the `ask` that called it, still records its own end).
    private static readonly ConditionalWeakTable<Exception, KernelFunction> s_recorded = [];

    private readonly ILogger _logger = logger;
    private readonly string _storeName = storeName;

    /// <summary>Whether records are kept at all (<see cref="AuditOptions.Enabled"/>).</summary>
    public bool Enabled => options.Value.Enabled;

    /// <summary>Whether a record is queued for the <see cref="AuditWriter"/> rather than appended before the call returns.</summary>
    public bool Buffered => options.Value.Durability == AuditDurability.Buffered;

    /// <summary>Whether <paramref name="failure"/> is a refusal of <paramref name="function"/> that is already in the ledger.</summary>
    public static bool IsRecorded(Exception failure, KernelFunction function) =>
        s_recorded.TryGetValue(failure, out var refused) && ReferenceEquals(refused, function);

    /// <summary>Records that <paramref name="caller"/> was refused <paramref name="function"/>, and marks <paramref name="refusal"/> as recorded.</summary>
    /// <exception cref="LuminaException">The record could not be kept and <see cref="AuditOptions.FailClosed"/> is on.</exception>
    public async ValueTask RecordRefusalAsync(LuminaCaller caller, KernelFunction function, string kind, KernelArguments? arguments, Exception refusal)
    {
        if (!Enabled)
        {
            return;
        }

        var entry = new AuditEntry(time.GetUtcNow(), caller.Id, caller.Role, caller.Transport, FunctionNames.Served(function), AuditChain.DigestArguments(arguments), AuditOutcome.Denied, kind, 0, LuminaAuditContext.Current);
        await RecordAsync(entry, options.Value.FailClosed).ConfigureAwait(false);
        s_recorded.AddOrUpdate(refusal, function);
    }

    /// <summary>Queues (buffered) or appends <paramref name="entry"/>; when it cannot be kept, fails (failing closed) or logs.</summary>
    public ValueTask RecordAsync(AuditEntry entry, bool failClosed) => RecordAsync(entry, null, failClosed);

    /// <summary>
    /// Queues (buffered) or appends <paramref name="entry"/>, whose arguments digest is taken from
    /// <paramref name="arguments"/> when they are given (<see cref="AuditChain.SnapshotArguments"/>): by the writer
    /// when buffered, here otherwise.
    /// </summary>
    public ValueTask RecordAsync(AuditEntry entry, KeyValuePair<string, object?>[]? arguments, bool failClosed)
    {
        if (Buffered)
        {
            Enqueue(entry, arguments, failClosed);
            return ValueTask.CompletedTask;
        }

        return new ValueTask(AppendAsync(arguments is null ? entry : entry with { ArgumentsDigest = AuditChain.DigestSnapshot(arguments) }, failClosed));
    }

    /// <summary>Refuses a call before it runs when its record could not be kept: the writer is failing or its queue is full.</summary>
    public void RefuseWhileUnrecordable(string function)
    {
        if (writer.Failure is { } failure)
        {
            throw new LuminaRefusalException(
                LuminaRefusalKind.Unavailable,
                $"The audit ledger is unavailable, so the call to {function} was refused before it ran: every call must be recorded (Lumina:Audit:FailClosed). {writer.Pending} records wait to be written and are retried; the host's log has the details.",
                failure);
        }

        if (writer.IsFull)
        {
            throw new LuminaRefusalException(
                LuminaRefusalKind.Unavailable,
                $"The audit queue is full ({writer.MaxPending} records wait to be written, Lumina:Audit:MaxPending), so the call to {function} was refused before it ran: every call must be recorded (Lumina:Audit:FailClosed).");
        }
    }

    /// <summary>Queues the record for the writer; when the queue is full, fails the call (failing closed) or drops the record and logs it.</summary>
    private void Enqueue(AuditEntry entry, KeyValuePair<string, object?>[]? arguments, bool failClosed)
    {
        if (writer.TryEnqueue(entry, arguments))
        {
            return;
        }

        if (failClosed)
        {
            LogQueueFull(entry.Function, entry.Outcome, writer.MaxPending);
            throw new LuminaRefusalException(
                LuminaRefusalKind.Unavailable,
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
                throw new LuminaRefusalException(
                    LuminaRefusalKind.Unavailable,
                    $"The audit ledger is unavailable, so the call to {entry.Function} failed: every call must be recorded (Lumina:Audit:FailClosed). The host's log has the details.",
                    ex);
            }
        }
        finally
        {
            telemetry.StoreDuration.Record(time.GetElapsedTime(started).TotalSeconds, new("db.system.name", _storeName), new("db.operation.name", "audit_append"));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not append the audit record of a call to {Function} (outcome {Outcome})")]
    private partial void LogAppendFailed(string function, AuditOutcome outcome, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not queue the audit record of a call to {Function} (outcome {Outcome}): {MaxPending} records wait to be written (Lumina:Audit:MaxPending); the call fails")]
    private partial void LogQueueFull(string function, AuditOutcome outcome, int maxPending);
}
