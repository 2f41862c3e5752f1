// MCP9006: resumable SSE streams are the SDK's path for 2025-11-25 session clients, which Lumina serves on purpose.
#pragma warning disable MCP9006
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Host.Http;

/// <summary>
/// The HTTP host's resumable SSE event store: every event the session streams send is kept in this process, for
/// <c>Lumina:Http:EventRetention</c> and within <c>Lumina:Http:MaxEventStoreBytes</c>, so a client that lost its stream
/// resumes it with <c>Last-Event-ID</c> and misses nothing.
/// </summary>
/// <remarks>
/// <para>
/// It replaces the SDK's <c>DistributedCacheEventStreamStore</c> over an in-memory <c>IDistributedCache</c>, which
/// stores the stream's metadata again with every event (its cost is in <c>bench/README.md</c>). Here an event is
/// serialized once — its UTF-8 JSON is what is kept and what the bound counts — and a stream's state is an object.
/// </para>
/// <para>
/// Any event older than the retention goes at the next write or resumption. When the bound is passed, finished streams go
/// first, whole and oldest first — their calls have answered, and a client resumes one only if it lost the answer in
/// the last moments — and only then the oldest events of streams still open (a long call's progress, a session's GET
/// stream), so a flood of short calls does not push out the stream a client is most likely to resume. A stream is
/// forgotten with its last event once its writer has finished. A resumption whose next event is already gone is
/// refused (the client gets the SDK's "invalid or expired" answer) rather than given a stream with a hole in it.
/// </para>
/// <para>
/// A reader in <see cref="SseEventStreamMode.Streaming"/> follows the stream until its writer finishes, woken by each
/// write, as with the SDK's store (which polled). In <see cref="SseEventStreamMode.Polling"/> — a tool that enables
/// polling makes the SDK close its POST stream and switch the stream to it — the SDK's store returns the events stored so
/// far and ends, so a client that reconnects before the call has produced anything more (the official conformance suite
/// does, without waiting for the retry interval) receives nothing and polls again; the suite records that as a warning.
/// Here the reconnection is held open instead, as a long poll: events are forwarded as they are written and the stream
/// ends when the call completes, or once <c>Lumina:Http:ResumeWait</c> has passed with the call still running (the
/// client polls again, as it would have), or when the host stops.
/// </para>
/// </remarks>
internal sealed partial class MemoryEventStreamStore(
    long maxBytes,
    TimeSpan retention,
    TimeSpan resumeWait,
    TimeProvider time,
    ILogger<MemoryEventStreamStore> logger,
    CancellationToken stopping)
    : ISseEventStreamStore
{
    /// <summary>What a kept event costs beyond its JSON and its id: its record, its place in the stream and in the queue.</summary>
    internal const int EventOverheadBytes = 160;

    private static readonly JsonTypeInfo<JsonRpcMessage> s_message = (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    private readonly TimeSpan _resumeWait = resumeWait;
    private readonly TimeProvider _time = time;
    private readonly CancellationToken _stopping = stopping;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Stream> _streams = [];

    // Every kept event is in one of two queues, each in the order written, and every event in _held was written before
    // every event in _order: the bound's pass takes _order's head and moves it to _held when its stream is still open.
    // An entry whose event went with its whole stream stays behind as stale and is skipped when it reaches a head.
    private readonly Queue<Kept> _order = new();
    private readonly Queue<Kept> _held = new();
    private long _bytes;
    private long _lastStream;

    /// <summary>The bytes the kept events count against the bound.</summary>
    internal long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>The streams known: written to and not yet finished, or finished with events still kept.</summary>
    internal int StreamCount
    {
        get
        {
            lock (_gate)
            {
                return _streams.Count;
            }
        }
    }

    /// <summary>What one event counts against the bound.</summary>
    internal static long SizeOf(string eventId, byte[]? data) => (data?.LongLength ?? 0) + (eventId.Length * 2L) + EventOverheadBytes;

    public ValueTask<ISseEventStreamWriter> CreateStreamAsync(SseEventStreamOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var stream = new Stream(Interlocked.Increment(ref _lastStream), options.SessionId, options.StreamId, options.Mode);
        lock (_gate)
        {
            _streams.Add(stream.Number, stream);
        }

        return ValueTask.FromResult<ISseEventStreamWriter>(new Writer(this, stream));
    }

    public ValueTask<ISseEventStreamReader?> GetStreamReaderAsync(string lastEventId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lastEventId);
        if (!TryParse(lastEventId, out var number, out var sequence))
        {
            LogUnknownEventId(lastEventId);
            return ValueTask.FromResult<ISseEventStreamReader?>(null);
        }

        lock (_gate)
        {
            Expire(_time.GetTimestamp());
            if (!_streams.TryGetValue(number, out var stream) || sequence > stream.LastSequence || stream.IsMissing(sequence + 1))
            {
                LogGone(lastEventId);
                return ValueTask.FromResult<ISseEventStreamReader?>(null);
            }

            return ValueTask.FromResult<ISseEventStreamReader?>(new Reader(this, stream, sequence + 1));
        }
    }

    private static string Format(long stream, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{stream}:{sequence}");

    private static bool TryParse(string eventId, out long stream, out long sequence)
    {
        var colon = eventId.IndexOf(':', StringComparison.Ordinal);
        stream = sequence = 0;
        return colon > 0
            && long.TryParse(eventId.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out stream)
            && long.TryParse(eventId.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }

    private SseItem<JsonRpcMessage?> Write(Stream stream, SseItem<JsonRpcMessage?> item)
    {
        if (item.EventId is not null)
        {
            // Already stored (the SDK's contract: an event with an id is not written again).
            return item;
        }

        // Serialized outside the lock; the sequence and id are taken inside it, so a stream's events keep their order.
        var data = item.Data is null ? null : JsonSerializer.SerializeToUtf8Bytes(item.Data, s_message);
        TaskCompletionSource? changed;
        string eventId;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(stream.IsCompleted, typeof(Writer));
            var now = _time.GetTimestamp();
            var sequence = stream.LastSequence + 1;
            eventId = Format(stream.Number, sequence);
            var size = SizeOf(eventId, data);
            stream.Append(new Stored(eventId, item.EventType, item.ReconnectionInterval, data), size);
            _order.Enqueue(new Kept(stream, sequence, size, now));
            _bytes += size;
            Expire(now);
            changed = stream.TakeWaiters();
        }

        changed?.TrySetResult();
        return item with { EventId = eventId };
    }

    private void SetMode(Stream stream, SseEventStreamMode mode)
    {
        TaskCompletionSource? changed;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(stream.IsCompleted, typeof(Writer));
            stream.Mode = mode;
            changed = stream.TakeWaiters();
        }

        changed?.TrySetResult();
    }

    private void Complete(Stream stream)
    {
        TaskCompletionSource? changed;
        lock (_gate)
        {
            if (stream.IsCompleted)
            {
                return;
            }

            stream.IsCompleted = true;
            if (stream.IsEmpty)
            {
                _streams.Remove(stream.Number);
            }

            changed = stream.TakeWaiters();
        }

        changed?.TrySetResult();
    }

    /// <summary>
    /// Drops the events older than the retention, then, while the bound is passed, finished streams before the events of
    /// open ones (under the lock).
    /// </summary>
    private void Expire(long now)
    {
        // The retention, oldest first: _held's events are all older than _order's.
        while (NextKept(_held, out var oldest) && _time.GetElapsedTime(oldest.Stored, now) > retention)
        {
            Drop(_held.Dequeue());
        }

        if (_held.Count == 0)
        {
            while (NextKept(_order, out var oldest) && _time.GetElapsedTime(oldest.Stored, now) > retention)
            {
                Drop(_order.Dequeue());
            }
        }

        // The bound: finished streams first, whole; an open stream's event waits in _held until nothing else is left.
        while (_bytes > maxBytes)
        {
            if (NextKept(_order, out var next))
            {
                _order.Dequeue();
                if (next.Stream.IsCompleted)
                {
                    Forget(next.Stream);
                }
                else
                {
                    _held.Enqueue(next);
                }
            }
            else if (NextKept(_held, out next))
            {
                Drop(_held.Dequeue());
            }
            else
            {
                break;
            }
        }
    }

    /// <summary>The first entry of <paramref name="queue"/> whose event is still kept, skipping (and removing) stale ones.</summary>
    private static bool NextKept(Queue<Kept> queue, out Kept kept)
    {
        while (queue.TryPeek(out kept))
        {
            if (!kept.Stream.IsMissing(kept.Sequence))
            {
                return true;
            }

            queue.Dequeue();
        }

        return false;
    }

    /// <summary>Drops one event, the oldest its stream keeps, and a finished stream with its last (under the lock).</summary>
    private void Drop(Kept kept)
    {
        _bytes -= kept.Size;
        kept.Stream.Drop(kept.Sequence, kept.Size);
        if (kept.Stream.IsCompleted && kept.Stream.IsEmpty)
        {
            _streams.Remove(kept.Stream.Number);
        }
    }

    /// <summary>Drops a finished stream's events and the stream (under the lock).</summary>
    private void Forget(Stream stream)
    {
        _bytes -= stream.DropAll();
        _streams.Remove(stream.Number);
    }

    /// <summary>
    /// The events <paramref name="stream"/> holds from <paramref name="next"/> on; or, when there are none and the writer
    /// has not finished, the task that completes at the stream's next change and whether the stream is polled (the
    /// reader then waits for at most the resume wait); or neither, when the reader has read everything there is.
    /// </summary>
    private (List<Stored>? Events, Task? Changed, bool Polling) Take(Stream stream, long next)
    {
        lock (_gate)
        {
            if (next <= stream.LastSequence && stream.IsMissing(next))
            {
                throw new McpException($"SSE event {Format(stream.Number, next)} is no longer kept (Lumina:Http:EventRetention, Lumina:Http:MaxEventStoreBytes): reconnect and start over.");
            }

            if (next <= stream.LastSequence)
            {
                return (stream.Slice(next), null, false);
            }

            var polling = stream.Mode == SseEventStreamMode.Polling;
            return stream.IsCompleted || (polling && _resumeWait <= TimeSpan.Zero) ? (null, null, polling) : (null, stream.Waiters(), polling);
        }
    }

    private static SseItem<JsonRpcMessage?> Restore(Stored stored) =>
        new(stored.Data is null ? null : JsonSerializer.Deserialize(stored.Data, s_message), stored.EventType)
        {
            EventId = stored.EventId,
            ReconnectionInterval = stored.ReconnectionInterval,
        };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Last-Event-ID '{EventId}' is not an event id of this store.")]
    private partial void LogUnknownEventId(string eventId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cannot resume after event '{EventId}': its stream, or the event after it, is no longer kept.")]
    private partial void LogGone(string eventId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Resumed stream {StreamId} has no new event yet: waiting up to {MaxWait} for the call to continue.")]
    private partial void LogWaiting(string streamId, TimeSpan maxWait);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Resumed stream {StreamId} ended while its call runs on: the client polls again.")]
    private partial void LogWaitEnded(string streamId);
}
