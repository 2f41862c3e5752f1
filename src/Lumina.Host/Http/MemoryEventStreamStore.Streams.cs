// MCP9006: resumable SSE streams are the SDK's path for 2025-11-25 session clients, which Lumina serves on purpose.
#pragma warning disable MCP9006

using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Host.Http;

// One stream's events in order, and the writer and reader the SDK uses on it.
internal sealed partial class MemoryEventStreamStore
{
    private sealed record Stored(string EventId, string? EventType, TimeSpan? ReconnectionInterval, byte[]? Data);

    private readonly record struct Kept(Stream Stream, long Sequence, long Size, long Stored);

    /// <summary>One stream's state; every member is used under the store's lock.</summary>
    private sealed class Stream(long number, string sessionId, string streamId, SseEventStreamMode mode)
    {
        // Events by sequence: _events[i] holds sequence _offset + i + 1; those before _head were dropped (nulled).
        private readonly List<Stored?> _events = new(2);
        private long _offset;
        private int _head;
        private TaskCompletionSource? _waiters;

        public long Number => number;

        public string SessionId => sessionId;

        public string StreamId => streamId;

        public SseEventStreamMode Mode { get; set; } = mode;

        public bool IsCompleted { get; set; }

        public long LastSequence => _offset + _events.Count;

        /// <summary>What the kept events count against the store's bound.</summary>
        public long Bytes { get; private set; }

        public bool IsEmpty => _head == _events.Count;

        /// <summary>Whether <paramref name="sequence"/> (written) was dropped.</summary>
        public bool IsMissing(long sequence) => sequence <= _offset + _head;

        public void Append(Stored stored, long size)
        {
            _events.Add(stored);
            Bytes += size;
        }

        public void Drop(long sequence, long size)
        {
            // Events leave in order, so the one dropped is the oldest kept.
            _events[(int)(sequence - _offset - 1)] = null;
            Bytes -= size;
            _head++;
            if (_head == _events.Count || (_head >= 32 && _head * 2 >= _events.Count))
            {
                // A long-lived stream (the session's GET stream) does not keep a slot for every event it ever sent.
                _events.RemoveRange(0, _head);
                _offset += _head;
                _head = 0;
            }
        }

        /// <summary>Drops every kept event; returns what they counted.</summary>
        public long DropAll()
        {
            var freed = Bytes;
            _offset += _events.Count;
            _events.Clear();
            _head = 0;
            Bytes = 0;
            return freed;
        }

        public List<Stored> Slice(long from)
        {
            var start = (int)(from - _offset - 1);
            var slice = new List<Stored>(_events.Count - start);
            for (var i = start; i < _events.Count; i++)
            {
                slice.Add(_events[i]!);
            }

            return slice;
        }

        public Task Waiters() => (_waiters ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public TaskCompletionSource? TakeWaiters()
        {
            var waiters = _waiters;
            _waiters = null;
            return waiters;
        }
    }

    private sealed class Writer(MemoryEventStreamStore store, Stream stream) : ISseEventStreamWriter
    {
        public ValueTask SetModeAsync(SseEventStreamMode mode, CancellationToken cancellationToken = default)
        {
            store.SetMode(stream, mode);
            return ValueTask.CompletedTask;
        }

        public ValueTask<SseItem<JsonRpcMessage?>> WriteEventAsync(SseItem<JsonRpcMessage?> sseItem, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(store.Write(stream, sseItem));

        public ValueTask DisposeAsync()
        {
            store.Complete(stream);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Reader(MemoryEventStreamStore store, Stream stream, long start) : ISseEventStreamReader
    {
        public string SessionId => stream.SessionId;

        public string StreamId => stream.StreamId;

        public async IAsyncEnumerable<SseItem<JsonRpcMessage?>> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var next = start;
            CancellationTokenSource? budget = null;
            CancellationTokenSource? wait = null;
            try
            {
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var (events, changed, polling) = store.Take(stream, next);
                    if (events is not null)
                    {
                        foreach (var stored in events)
                        {
                            yield return Restore(stored);
                        }

                        next += events.Count;
                        continue;
                    }

                    if (changed is null)
                    {
                        // The writer has finished, or the stream is polled and no wait is configured: all was read.
                        yield break;
                    }

                    if (!polling)
                    {
                        await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    // A long poll: one budget for the whole reconnection, from its first wait.
                    if (budget is null)
                    {
                        budget = new CancellationTokenSource(store._resumeWait, store._time);
                        wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token, store._stopping);
                        store.LogWaiting(StreamId, store._resumeWait);
                    }

                    if (!await WaitAsync(changed, wait!.Token).ConfigureAwait(false))
                    {
                        // Out of patience, the client gone or the host stopping: the stream ends quietly either way,
                        // and a client still there polls again.
                        if (budget.IsCancellationRequested)
                        {
                            store.LogWaitEnded(StreamId);
                        }

                        yield break;
                    }
                }
            }
            finally
            {
                wait?.Dispose();
                budget?.Dispose();
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
}
