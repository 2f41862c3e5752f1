#pragma warning disable MCP9006 // The resumable-stream API Lumina serves on purpose.
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using Lumina.Host.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Host.Tests;

/// <summary>The HTTP host's SSE event store: resumption after any kept event, live following, the bound and the retention.</summary>
public sealed class MemoryEventStreamStoreTests
{
    private const long OneMiB = 1024 * 1024;

    [Fact]
    public async Task ResumingAfterAnEvent_ReturnsTheEventsAfterIt_InOrder_AsWritten()
    {
        var store = NewStore();
        var writer = await store.CreateStreamAsync(Options("session-a", "stream-1"));
        var priming = await writer.WriteEventAsync(new SseItem<JsonRpcMessage?>(null, "message") { ReconnectionInterval = TimeSpan.FromSeconds(3) });
        var first = await writer.WriteEventAsync(Item(Result(1, "one")));
        var second = await writer.WriteEventAsync(Item(Result(2, "two")));
        await writer.DisposeAsync();

        new[] { priming.EventId, first.EventId, second.EventId }.Should().OnlyHaveUniqueItems().And.NotContainNulls();
        var reader = (await store.GetStreamReaderAsync(priming.EventId!))!;
        reader.SessionId.Should().Be("session-a");
        reader.StreamId.Should().Be("stream-1");
        var read = await ReadAllAsync(reader);

        read.Select(e => e.EventId).Should().Equal(first.EventId, second.EventId);
        read.Select(e => Text(e.Data)).Should().Equal("one", "two");
        read.Should().AllSatisfy(e => e.EventType.Should().Be("message"));

        var all = await ReadAllAsync((await store.GetStreamReaderAsync(StartOf(priming.EventId!)))!);
        all[0].Data.Should().BeNull();
        all[0].ReconnectionInterval.Should().Be(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task AnEventThatAlreadyHasAnId_IsReturnedAsItIs_AndNotStoredAgain()
    {
        var store = NewStore();
        var writer = await store.CreateStreamAsync(Options("s", "1"));
        var stored = await writer.WriteEventAsync(Item(Result(1, "once")));
        var again = await writer.WriteEventAsync(stored);
        await writer.DisposeAsync();

        again.EventId.Should().Be(stored.EventId);
        (await ReadAllAsync((await store.GetStreamReaderAsync(StartOf(stored.EventId!)))!)).Should().ContainSingle();
    }

    [Fact]
    public async Task AStreamingReader_FollowsTheStreamLive_UntilItsWriterFinishes()
    {
        var store = NewStore();
        var writer = await store.CreateStreamAsync(Options("s", "1"));
        var first = await writer.WriteEventAsync(Item(Result(1, "first")));
        var reader = (await store.GetStreamReaderAsync(first.EventId!))!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var events = reader.ReadEventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        // Nothing but the write below can complete the wait; the event it yields proves nothing was yielded before it.
        var next = events.MoveNextAsync().AsTask();
        next.IsCompleted.Should().BeFalse("nothing was written after the resumed event yet");
        await writer.WriteEventAsync(Item(Result(2, "later")));
        (await next).Should().BeTrue();
        Text(events.Current.Data).Should().Be("later");

        var end = events.MoveNextAsync().AsTask();
        await writer.DisposeAsync();
        (await end).Should().BeFalse("the writer finished");
    }

    [Fact]
    public async Task APollingReader_ReturnsWhatIsStored_AndEnds()
    {
        var store = NewStore();
        var (writer, first) = await PolledAfterOneEventAsync(store);
        await writer.WriteEventAsync(Item(Result(2, "second")));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = await ReadAllAsync((await store.GetStreamReaderAsync(first.EventId!))!, timeout.Token);

        read.Select(e => Text(e.Data)).Should().Equal("second");
        await writer.DisposeAsync();
    }

    [Fact]
    public async Task APolledStream_WithAResumeWait_IsHeldOpen_UntilTheNextEventAndTheEnd()
    {
        var time = new FakeTimeProvider();
        var store = NewStore(resumeWait: TimeSpan.FromMinutes(1), time: time);
        var (writer, first) = await PolledAfterOneEventAsync(store);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var reading = ReadAllAsync((await store.GetStreamReaderAsync(first.EventId!))!, timeout.Token);

        // The resume wait runs on the store's clock: just short of it, the reconnection is still held open.
        time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1));
        reading.IsCompleted.Should().BeFalse("the reconnection waits for the call's next event");
        await writer.WriteEventAsync(Item(Result(2, "result")));
        await writer.DisposeAsync();

        (await reading).Select(e => Text(e.Data)).Should().Equal("result");
    }

    [Fact]
    public async Task APolledStream_EndsQuietly_WhenTheResumeWaitPasses_WithTheCallStillRunning()
    {
        var time = new FakeTimeProvider();
        var store = NewStore(resumeWait: TimeSpan.FromMilliseconds(200), time: time);
        var (writer, first) = await PolledAfterOneEventAsync(store);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var reading = ReadAllAsync((await store.GetStreamReaderAsync(first.EventId!))!, timeout.Token);
        time.Advance(TimeSpan.FromMilliseconds(200));
        var read = await reading;

        read.Should().BeEmpty();
        timeout.IsCancellationRequested.Should().BeFalse("the wait ended by its own bound");
        await writer.DisposeAsync();
    }

    [Fact]
    public async Task PastTheBound_TheOldestEventsGo_AndResumingBeforeAGapIsRefused()
    {
        var store = NewStore(maxBytes: OneMiB);
        var writer = await store.CreateStreamAsync(Options("s", "long-lived"));
        var padding = new string('x', 1000);
        var ids = new List<string>();
        for (var i = 0; i < 5_000; i++)
        {
            ids.Add((await writer.WriteEventAsync(Item(Result(i, padding + i)))).EventId!);
            store.Bytes.Should().BeLessThanOrEqualTo(OneMiB);
        }

        // ~5 MiB written into 1 MiB: the first events are gone, the last are kept.
        (await store.GetStreamReaderAsync(ids[0])).Should().BeNull();
        (await store.GetStreamReaderAsync(ids[100])).Should().BeNull();
        var reader = (await store.GetStreamReaderAsync(ids[^3]))!;
        await writer.DisposeAsync();
        (await ReadAllAsync(reader)).Select(e => Text(e.Data)).Should().Equal(padding + 4998, padding + 4999);

        // After the last event there is nothing to miss.
        (await ReadAllAsync((await store.GetStreamReaderAsync(ids[^1]))!)).Should().BeEmpty();
    }

    [Fact]
    public async Task PastTheBound_FinishedStreamsGoFirst_AndAnOpenStreamStaysResumable()
    {
        var store = NewStore(maxBytes: OneMiB);
        var open = await store.CreateStreamAsync(Options("s", "long call"));
        var progress = await open.WriteEventAsync(Item(Result(0, "progress 1")));
        await open.WriteEventAsync(Item(Result(0, "progress 2")));

        // A flood of short calls, each a stream with one answer that finishes: ~5 MiB into 1 MiB.
        var padding = new string('x', 1000);
        var answers = new List<string>();
        for (var i = 1; i <= 5_000; i++)
        {
            var call = await store.CreateStreamAsync(Options("s", $"call {i}"));
            answers.Add((await call.WriteEventAsync(Item(Result(i, padding)))).EventId!);
            await call.DisposeAsync();
            store.Bytes.Should().BeLessThanOrEqualTo(OneMiB);
        }

        // The oldest answers went, whole streams at a time, and the store forgot them; the newest are kept.
        (await store.GetStreamReaderAsync(StartOf(answers[0]))).Should().BeNull();
        (await ReadAllAsync((await store.GetStreamReaderAsync(StartOf(answers[^1])))!)).Should().ContainSingle();
        store.StreamCount.Should().BeLessThan(1_100);

        // The open stream written before all of them is still whole, and follows on.
        var reader = (await store.GetStreamReaderAsync(progress.EventId!))!;
        await open.WriteEventAsync(Item(Result(0, "answer")));
        await open.DisposeAsync();
        (await ReadAllAsync(reader)).Select(e => Text(e.Data)).Should().Equal("progress 2", "answer");
    }

    [Fact]
    public async Task OnlyOpenStreamsLeft_TheirOldestEventsGo_AcrossStreams()
    {
        var store = NewStore(maxBytes: OneMiB);
        var first = await store.CreateStreamAsync(Options("s", "1"));
        var second = await store.CreateStreamAsync(Options("s", "2"));
        var padding = new string('x', 1000);
        var firstIds = new List<string>();
        var secondIds = new List<string>();
        for (var i = 0; i < 2_000; i++)
        {
            firstIds.Add((await first.WriteEventAsync(Item(Result(i, padding)))).EventId!);
            secondIds.Add((await second.WriteEventAsync(Item(Result(i, padding + i)))).EventId!);
            store.Bytes.Should().BeLessThanOrEqualTo(OneMiB);
        }

        // ~4 MiB written by two open streams into 1 MiB: both lost their oldest events, both keep their newest.
        (await store.GetStreamReaderAsync(firstIds[0])).Should().BeNull();
        (await store.GetStreamReaderAsync(secondIds[0])).Should().BeNull();
        (await store.GetStreamReaderAsync(firstIds[^2])).Should().NotBeNull();
        var reader = (await store.GetStreamReaderAsync(secondIds[^3]))!;
        await second.DisposeAsync();
        (await ReadAllAsync(reader)).Select(e => Text(e.Data)).Should().Equal(padding + 1998, padding + 1999);
        await first.DisposeAsync();
    }

    [Fact]
    public async Task AFinishedStream_LosesOnlyTheEventsPastTheRetention_NotItsAnswer()
    {
        var clock = new FakeTimeProvider();
        var store = NewStore(retention: TimeSpan.FromMinutes(2), time: clock);
        var writer = await store.CreateStreamAsync(Options("s", "long call"));
        var progress = await writer.WriteEventAsync(Item(Result(1, "progress")));
        clock.Advance(TimeSpan.FromMinutes(3));
        await writer.WriteEventAsync(Item(Result(1, "answer")));
        await writer.DisposeAsync();

        // The progress is past the retention; the answer, written a moment ago, is what a client that lost it resumes to.
        (await store.GetStreamReaderAsync(StartOf(progress.EventId!))).Should().BeNull();
        (await ReadAllAsync((await store.GetStreamReaderAsync(progress.EventId!))!)).Select(e => Text(e.Data)).Should().Equal("answer");
        store.StreamCount.Should().Be(1);
    }

    [Fact]
    public async Task AfterTheRetention_EventsAndFinishedStreamsAreForgotten()
    {
        var clock = new FakeTimeProvider();
        var store = NewStore(retention: TimeSpan.FromMinutes(2), time: clock);
        var writer = await store.CreateStreamAsync(Options("s", "1"));
        var first = await writer.WriteEventAsync(Item(Result(1, "one")));
        await writer.WriteEventAsync(Item(Result(2, "two")));
        await writer.DisposeAsync();

        clock.Advance(TimeSpan.FromSeconds(119));
        (await store.GetStreamReaderAsync(first.EventId!)).Should().NotBeNull();
        clock.Advance(TimeSpan.FromMinutes(2));
        (await store.GetStreamReaderAsync(first.EventId!)).Should().BeNull();
        store.StreamCount.Should().Be(0);
        store.Bytes.Should().Be(0);
    }

    [Fact]
    public async Task AFinishedStreamWithoutEvents_IsForgottenAtOnce()
    {
        var store = NewStore();
        var writer = await store.CreateStreamAsync(Options("s", "1"));
        store.StreamCount.Should().Be(1);
        await writer.DisposeAsync();

        store.StreamCount.Should().Be(0);
        var write = async () => await writer.WriteEventAsync(Item(Result(1, "late")));
        await write.Should().ThrowAsync<ObjectDisposedException>();
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-id")]
    [InlineData("1:x")]
    [InlineData("-1:1")]
    [InlineData("999:1")]
    public async Task AnUnknownOrMalformedLastEventId_FindsNoStream(string lastEventId)
    {
        var store = NewStore();
        var writer = await store.CreateStreamAsync(Options("s", "1"));
        await writer.WriteEventAsync(Item(Result(1, "one")));

        (await store.GetStreamReaderAsync(lastEventId)).Should().BeNull();
    }

    [Fact]
    public async Task AReaderThatFallsBehindTheBound_FailsWithAClearError_InsteadOfSkippingEvents()
    {
        var store = NewStore(maxBytes: OneMiB);
        var writer = await store.CreateStreamAsync(Options("s", "1"));
        var first = await writer.WriteEventAsync(Item(Result(0, "start")));
        await writer.WriteEventAsync(Item(Result(1, "kept for now")));
        var reader = (await store.GetStreamReaderAsync(first.EventId!))!;

        var padding = new string('x', 10_000);
        for (var i = 0; i < 200; i++)
        {
            await writer.WriteEventAsync(Item(Result(i, padding)));
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = async () => await ReadAllAsync(reader, timeout.Token);
        (await read.Should().ThrowAsync<McpException>()).Which.Message.Should().Contain("no longer kept");
        await writer.DisposeAsync();
    }

    private static MemoryEventStreamStore NewStore(long maxBytes = 32 * OneMiB, TimeSpan? retention = null, TimeProvider? time = null, TimeSpan resumeWait = default) =>
        new(maxBytes, retention ?? TimeSpan.FromMinutes(2), resumeWait, time ?? TimeProvider.System, NullLogger<MemoryEventStreamStore>.Instance, CancellationToken.None);

    /// <summary>A stream with one event written, then switched to polling (as the SDK does when a tool enables it).</summary>
    private static async Task<(ISseEventStreamWriter Writer, SseItem<JsonRpcMessage?> First)> PolledAfterOneEventAsync(MemoryEventStreamStore store)
    {
        var writer = await store.CreateStreamAsync(Options("s", "1"));
        var first = await writer.WriteEventAsync(Item(Result(1, "first")));
        await writer.SetModeAsync(SseEventStreamMode.Polling);
        return (writer, first);
    }

    private static SseEventStreamOptions Options(string session, string stream) => new() { SessionId = session, StreamId = stream };

    private static SseItem<JsonRpcMessage?> Item(JsonRpcMessage message) => new(message, "message");

    private static JsonRpcResponse Result(long id, string text) => new() { Id = new RequestId(id), Result = new JsonObject { ["text"] = text } };

    private static string? Text(JsonRpcMessage? message) => (message as JsonRpcResponse)?.Result?["text"]?.GetValue<string>();

    /// <summary>An id just before <paramref name="eventId"/>'s stream's first event: "stream:0".</summary>
    private static string StartOf(string eventId) => eventId[..eventId.IndexOf(':', StringComparison.Ordinal)] + ":0";

    private static async Task<List<SseItem<JsonRpcMessage?>>> ReadAllAsync(ISseEventStreamReader reader, CancellationToken cancellationToken = default)
    {
        var items = new List<SseItem<JsonRpcMessage?>>();
        await foreach (var item in reader.ReadEventsAsync(cancellationToken))
        {
            items.Add(item);
        }

        return items;
    }
}
