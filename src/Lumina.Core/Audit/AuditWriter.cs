using System.Diagnostics;
using System.Threading.Channels;
using Lumina.Abstractions;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Lumina.Core.Audit;

/// <summary>Internal knobs of the audit writer and store, replaceable in the container (tests shorten them).</summary>
internal sealed class AuditTuning
{
    /// <summary>The first wait after a batch could not be written; it doubles on each further failure.</summary>
    public TimeSpan RetryMinDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long disposing the writer keeps retrying a store that cannot be written before it gives the queue up.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an embedded-store statement waits for another connection's lock (whole seconds).</summary>
    public TimeSpan SqliteBusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The most records one batch carries (one transaction, one script call's arguments).</summary>
    public int MaxBatch { get; init; } = 1000;
}

/// <summary>
/// The write-behind of <see cref="AuditDurability.Buffered"/>: the audit filter queues each call's record here without
/// waiting, and one background loop appends whatever has queued up as one batch.
/// </summary>
/// <remarks>
/// <para>
/// One bounded queue, one reader: records are written in the order they were queued. A batch that cannot be written is
/// kept and retried with a doubling wait (capped); while that lasts <see cref="Failure"/> is set, so the filter can refuse
/// new calls, and it clears with the first batch that commits.
/// </para>
/// <para>
/// The loop starts with the first record or flush. Disposing — when the service provider is disposed, with or without a
/// generic host — stops the queue and writes what is in it, retrying a failing store for
/// <see cref="AuditTuning.DrainTimeout"/> before giving the rest up with an error in the log.
/// </para>
/// </remarks>
internal sealed partial class AuditWriter : IAsyncDisposable, IDisposable
{
    private readonly IAuditLedger _store;
    private readonly AuditTuning _tuning;
    private readonly LuminaTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _storeName;
    private readonly Channel<Item> _queue;
    private readonly Lazy<Task> _loop;
    private readonly TimeSpan _batchWindow;

    // Cancelled when a disposal's drain time is up: the loop stops retrying and gives what is left up.
    private readonly CancellationTokenSource _abandon;

    // Records queued or in the batch being written, not yet committed; counted up before a record enters the queue and
    // down after its batch commits, so zero means everything queued so far is in the store.
    private long _pending;
    private long _dropped;
    private volatile Exception? _failure;
    private int _disposed;

    /// <param name="storeName">The store's <c>db.system.name</c> in spans and metrics: the store backend's name.</param>
    public AuditWriter(IAuditLedger store, string storeName, AuditOptions options, AuditTuning tuning, LuminaTelemetry telemetry, TimeProvider time, ILogger<AuditWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _tuning = tuning;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        _storeName = storeName;
        MaxPending = Math.Max(1, options.MaxPending);
        _batchWindow = options.BatchWindow > TimeSpan.Zero ? options.BatchWindow : TimeSpan.Zero;

        // Flush markers share the queue, so they keep their place behind the records queued before them. The bound is
        // kept by counting (_pending), not by the channel: a bounded channel takes a lock on every write and every read,
        // which the call path then contends for with the writer taking a batch; the single-reader unbounded one does not.
        _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
        _loop = new Lazy<Task>(StartLoop, LazyThreadSafetyMode.ExecutionAndPublication);
        _abandon = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        telemetry.ObserveAuditPending(() => Volatile.Read(ref _pending));
    }

    /// <summary>How many records may wait to be written (<see cref="AuditOptions.MaxPending"/>).</summary>
    public int MaxPending { get; }

    /// <summary>Records queued and not yet committed.</summary>
    public long Pending => Volatile.Read(ref _pending);

    /// <summary>Whether <see cref="MaxPending"/> records wait, so a new one would not be accepted.</summary>
    public bool IsFull => Volatile.Read(ref _pending) >= MaxPending;

    /// <summary>Why the last batch could not be written, while the writer is retrying it; <see langword="null"/> when the store accepts writes.</summary>
    public Exception? Failure => _failure;

    /// <summary>Queues <paramref name="entry"/> without waiting; <see langword="false"/> when the queue is full or the writer has stopped.</summary>
    /// <param name="entry">The record.</param>
    /// <param name="arguments">
    /// The call's arguments (<see cref="AuditChain.SnapshotArguments"/>) when the entry's digest is still to be taken:
    /// the writer takes it, so the call does not.
    /// </param>
    public bool TryEnqueue(AuditEntry entry, KeyValuePair<string, object?>[]? arguments = null)
    {
        _ = _loop.Value;
        if (Interlocked.Increment(ref _pending) <= MaxPending && _queue.Writer.TryWrite(new Item(entry, arguments, null)))
        {
            return true;
        }

        Interlocked.Decrement(ref _pending);
        return false;
    }

    /// <summary>
    /// Counts a record the filter could not queue (fail-open). The first drop is logged at once; the writer logs how many
    /// were dropped after each attempt to write.
    /// </summary>
    public void RecordDropped(AuditEntry entry)
    {
        if (Interlocked.Increment(ref _dropped) == 1)
        {
            LogDropping(entry.Function, MaxPending);
        }
    }

    /// <summary>Waits until every record queued before this call is committed.</summary>
    /// <exception cref="LuminaException">The store cannot be written at the moment (the records stay queued).</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _pending) == 0)
        {
            return;
        }

        if (_failure is { } failure)
        {
            throw Unavailable(failure);
        }

        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loop = _loop.Value;
        try
        {
            await _queue.Writer.WriteAsync(new Item(null, null, flushed), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // Stopping: the loop drains what is queued and then ends.
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await flushed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The error of a store that cannot be written, with what is waiting.</summary>
    public LuminaException Unavailable(Exception failure) => new(
        $"The audit ledger is unavailable: {Pending} records wait to be written and are retried. The host's log has the details.", failure);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        if (_loop.IsValueCreated)
        {
            _abandon.CancelAfter(_tuning.DrainTimeout);
            await _loop.Value.ConfigureAwait(false);
        }

        _abandon.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Runs the loop on a thread of its own: the embedded store's commit is a blocking call (SQLite, then <c>fsync</c>)
    /// that would otherwise hold a pool thread — one of the few a 2-core host has for the calls it serves — for the
    /// length of a disk sync. The thread waits for records, for the batch window and for each write.
    /// </summary>
    private Task StartLoop() => DedicatedThread.Start("Lumina audit writer", Run);

    /// <summary>Takes whatever is queued (up to one batch), writes it, then releases the flushes that were waiting behind it.</summary>
    private void Run()
    {
        var reader = _queue.Reader;
        var batch = new List<AuditEntry>(Math.Min(_tuning.MaxBatch, MaxPending));
        var flushes = new List<TaskCompletionSource>();
        using var woken = new ManualResetEventSlim(initialState: false, spinCount: 0);
        while (WaitToRead(reader, woken))
        {
            // Gather for the batch window before writing: under load one synced commit then carries every record of
            // the window instead of each wake-up paying its own (and a sequential caller no longer wakes the writer
            // once per call). A full batch, or a stop, does not wait.
            if (_batchWindow > TimeSpan.Zero && Pending < _tuning.MaxBatch && !_abandon.IsCancellationRequested && Volatile.Read(ref _disposed) == 0)
            {
                Block(Task.Delay(_batchWindow, _time), woken);
            }

            while (batch.Count < _tuning.MaxBatch && reader.TryRead(out var item))
            {
                if (item.Entry is { } entry)
                {
                    batch.Add(item.Arguments is { } arguments ? entry with { ArgumentsDigest = AuditChain.DigestSnapshot(arguments) } : entry);
                }
                else
                {
                    flushes.Add(item.Flushed!);
                }
            }

            if (batch.Count > 0)
            {
                Block(WriteAsync(batch), woken);
                Interlocked.Add(ref _pending, -batch.Count);
                batch.Clear();
            }

            ReportDropped();
            foreach (var flushed in flushes)
            {
                flushed.TrySetResult();
            }

            flushes.Clear();
        }

        ReportDropped();
    }

    /// <summary>
    /// Waits on this thread for <paramref name="task"/> without spinning first. Blocking on a task the usual way spins
    /// before it sleeps, and on a 2-core host that spin (measured at a tenth of the writer's CPU on the stdio echo loop)
    /// is taken from the calls being served, once for every batch.
    /// </summary>
    private static void Block(Task task, ManualResetEventSlim woken)
    {
        if (!task.IsCompleted)
        {
            woken.Reset();
            task.ContinueWith(static (_, state) => ((ManualResetEventSlim)state!).Set(), woken, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            woken.Wait();
        }

        task.GetAwaiter().GetResult();
    }

    /// <summary>Waits (see <see cref="Block"/>) until a record or flush is queued; <see langword="false"/> once the queue is closed and empty.</summary>
    private static bool WaitToRead(ChannelReader<Item> reader, ManualResetEventSlim woken)
    {
        var waiting = reader.WaitToReadAsync();
        if (waiting.IsCompleted)
        {
            return waiting.GetAwaiter().GetResult();
        }

        var task = waiting.AsTask();
        Block(task, woken);
        return task.Result;
    }

    /// <summary>Writes <paramref name="batch"/>, retrying with a doubling wait until it commits or a disposal gives it up.</summary>
    private async Task WriteAsync(List<AuditEntry> batch)
    {
        var delay = _tuning.RetryMinDelay;
        for (var attempt = 1; ; attempt++)
        {
            if (_abandon.IsCancellationRequested)
            {
                LogGivenUp(batch.Count, _tuning.DrainTimeout.TotalSeconds);
                return;
            }

            if (await TryWriteAsync(batch, attempt, delay).ConfigureAwait(false))
            {
                return;
            }

            ReportDropped();
            try
            {
                await Task.Delay(delay, _time, _abandon.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Given up on the next turn.
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _tuning.RetryMaxDelay.Ticks));
        }
    }

    /// <summary>One attempt, inside a <c>lumina.store audit_append</c> span.</summary>
    private async Task<bool> TryWriteAsync(List<AuditEntry> batch, int attempt, TimeSpan retryIn)
    {
        using var activity = LuminaTelemetry.Source.StartActivity("lumina.store audit_append", ActivityKind.Client);
        activity?.SetTag("db.system.name", _storeName);
        activity?.SetTag("db.operation.name", "audit_append");
        activity?.SetTag("db.operation.batch.size", batch.Count);
        var started = _time.GetTimestamp();
        try
        {
            await _store.AppendBatchAsync(batch, CancellationToken.None).ConfigureAwait(false);
            if (_failure is not null)
            {
                _failure = null;
                LogRecovered(batch.Count, attempt);
            }

            return true;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);

            // Logged first: whoever sees the failure (a refused call) finds its cause in the log.
            LogWriteFailed(batch.Count, Pending, attempt, retryIn.TotalMilliseconds, ex);
            _failure = ex;
            return false;
        }
        finally
        {
            _telemetry.StoreDuration.Record(_time.GetElapsedTime(started).TotalSeconds, new("db.system.name", _storeName), new("db.operation.name", "audit_append"));
        }
    }

    private void ReportDropped()
    {
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0)
        {
            LogDropped(dropped, MaxPending);
        }
    }

    /// <summary>A record, or (without one) a flush waiting for everything queued before it.</summary>
    private readonly record struct Item(AuditEntry? Entry, KeyValuePair<string, object?>[]? Arguments, TaskCompletionSource? Flushed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write {Count} audit records (attempt {Attempt}; {Pending} records wait): retrying in {RetryMs} ms, and while this lasts calls are refused unless Lumina:Audit:FailClosed is false")]
    private partial void LogWriteFailed(int count, long pending, int attempt, double retryMs, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The audit ledger accepts writes again: {Count} kept records written after {Attempt} attempts")]
    private partial void LogRecovered(int count, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit queue is full ({MaxPending} records wait, Lumina:Audit:MaxPending): the record of a call to {Function} and the next ones are dropped (Lumina:Audit:FailClosed is false)")]
    private partial void LogDropping(string function, int maxPending);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Dropped} audit records were dropped because the audit queue was full ({MaxPending} records, Lumina:Audit:MaxPending)")]
    private partial void LogDropped(long dropped, int maxPending);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} audit records were lost: the ledger could not be written within {Seconds} s of stopping")]
    private partial void LogGivenUp(int count, double seconds);
}
