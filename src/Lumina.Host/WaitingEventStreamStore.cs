// MCP9006: resumable SSE streams are the SDK's path for 2025-11-25 session clients, which Lumina serves on purpose.
#pragma warning disable MCP9006
using System.Collections.Concurrent;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Host;

/// <summary>
/// Wraps the SSE event store so that a client reconnecting (GET with <c>Last-Event-ID</c>) to a call that released its
/// stream waits, for at most <c>maxWait</c>, for the call's next event instead of getting an empty stream at once.
/// </summary>
/// <remarks>
/// <para>
/// A tool that enables polling makes the SDK close its POST stream and switch the stored stream to polling mode, in
/// which a reconnecting reader gets the events stored so far and ends. A client that reconnects before the call has
/// produced anything more (the official conformance suite does, without waiting for the retry interval) then receives
/// nothing and has to poll again; the suite records that as a warning. Here the reconnection is held open instead, as
/// a long poll: events are forwarded as they are written and the stream ends when the call completes, or when
/// <c>maxWait</c> has passed with the call still running (the client polls again, as it would have).
/// </para>
/// <para>
/// Only streams written by this process are waited for (the writer signals each event); a stream this process does not
/// know (finished, or written elsewhere) is read exactly as the inner store reads it. Streaming-mode resumption, which
/// the inner store already follows to the end, is unchanged.
/// </para>
/// </remarks>
internal sealed partial class WaitingEventStreamStore(
    ISseEventStreamStore inner,
    TimeSpan maxWait,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<WaitingEventStreamStore> logger) : ISseEventStreamStore
{
    private readonly ConcurrentDictionary<(string Session, string Stream), OpenStream> _open = new();
    private readonly ISseEventStreamStore _inner = inner;
    private readonly TimeSpan _maxWait = maxWait;
    private readonly TimeProvider _time = time;
    private readonly CancellationToken _stopping = lifetime.ApplicationStopping;

    public async ValueTask<ISseEventStreamWriter> CreateStreamAsync(SseEventStreamOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var writer = await _inner.CreateStreamAsync(options, cancellationToken).ConfigureAwait(false);
        var key = (options.SessionId, options.StreamId);
        var stream = new OpenStream();
        _open[key] = stream;
        return new Writer(writer, stream, () => _open.TryRemove(KeyValuePair.Create(key, stream)));
    }

    public async ValueTask<ISseEventStreamReader?> GetStreamReaderAsync(string lastEventId, CancellationToken cancellationToken = default)
    {
        var reader = await _inner.GetStreamReaderAsync(lastEventId, cancellationToken).ConfigureAwait(false);
        if (reader is null || _maxWait <= TimeSpan.Zero || !_open.TryGetValue((reader.SessionId, reader.StreamId), out var stream))
        {
            return reader;
        }

        return new Reader(this, reader.SessionId, reader.StreamId, lastEventId, stream);
    }

    /// <summary>A stream whose writer is still open: a signal pulsed on every event, and whether the writer finished.</summary>
    private sealed class OpenStream
    {
        private TaskCompletionSource _changed = NewSignal();
        private volatile bool _completed;

        public bool IsCompleted => _completed;

        /// <summary>Completes at the next event or completion after it was read.</summary>
        public Task Changed => Volatile.Read(ref _changed).Task;

        public void Signal() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();

        public void Complete()
        {
            _completed = true;
            Signal();
        }

        private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Writer(ISseEventStreamWriter inner, OpenStream stream, Action closed) : ISseEventStreamWriter
    {
        public ValueTask SetModeAsync(SseEventStreamMode mode, CancellationToken cancellationToken = default) =>
            inner.SetModeAsync(mode, cancellationToken);

        public async ValueTask<SseItem<JsonRpcMessage?>> WriteEventAsync(SseItem<JsonRpcMessage?> sseItem, CancellationToken cancellationToken = default)
        {
            var written = await inner.WriteEventAsync(sseItem, cancellationToken).ConfigureAwait(false);
            // Signalled only once the inner store holds the event, so a woken reader finds it.
            stream.Signal();
            return written;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                stream.Complete();
                closed();
            }
        }
    }

    private sealed class Reader(WaitingEventStreamStore store, string sessionId, string streamId, string lastEventId, OpenStream stream) : ISseEventStreamReader
    {
        public string SessionId => sessionId;

        public string StreamId => streamId;

        public async IAsyncEnumerable<SseItem<JsonRpcMessage?>> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            using var budget = new CancellationTokenSource(store._maxWait, store._time);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token, store._stopping);
            var last = lastEventId;
            var waited = false;
            while (true)
            {
                // Read the signal and the completion before the inner store takes its snapshot: an event written after
                // the snapshot has then already pulsed the captured signal, and a snapshot taken after completion holds
                // every event.
                var changed = stream.Changed;
                var completed = stream.IsCompleted;
                var reader = await store._inner.GetStreamReaderAsync(last, cancellationToken).ConfigureAwait(false);
                if (reader is null)
                {
                    yield break;
                }

                await foreach (var item in reader.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
                {
                    last = item.EventId ?? last;
                    yield return item;
                }

                if (completed)
                {
                    yield break;
                }

                if (!waited)
                {
                    waited = true;
                    store.LogWaiting(streamId, store._maxWait);
                }

                if (!await WaitAsync(changed, wait.Token).ConfigureAwait(false))
                {
                    // Out of patience, the client gone or the host stopping: the stream ends quietly either way, and a
                    // client still there polls again.
                    if (budget.IsCancellationRequested)
                    {
                        store.LogWaitEnded(streamId);
                    }

                    yield break;
                }
            }
        }

        private static async Task<bool> WaitAsync(Task changed, CancellationToken cancellationToken)
        {
            try
            {
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Resumed stream {StreamId} has no new event yet: waiting up to {MaxWait} for the call to continue.")]
    private partial void LogWaiting(string streamId, TimeSpan maxWait);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Resumed stream {StreamId} ended while its call runs on: the client polls again.")]
    private partial void LogWaitEnded(string streamId);
}
