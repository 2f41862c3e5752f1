using Lumina.Core.Tasks;

namespace Lumina.Testing.Contracts;

/// <summary>
/// The same task rules on each store: records kept whole, versions that only move by compare-and-swap, concurrent
/// changes that all land, and expiry by the store's clock (<see cref="Clock"/>, which derived classes give the store).
/// </summary>
public abstract class TaskStoreContractTests : IAsyncLifetime
{
    protected ILuminaTaskStore Store { get; set; } = null!;

    /// <summary>
    /// The store's clock: starts at the real time (to the millisecond, so a server that expires keys by its own clock
    /// keeps them through a test) and moves only when a test advances it.
    /// </summary>
    protected ManualWallClock Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds()));

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    [Fact]
    public async Task CreateThenGet_KeepsEveryField_AtVersionOne()
    {
        var now = Clock.GetUtcNow();
        var task = new LuminaTaskRecord
        {
            Id = NewId(),
            OwnerId = "user-alice",
            Tool = "files.search",
            Status = LuminaTaskStatus.InputRequired,
            StatusMessage = "Waiting for you — \"which folder?\"",
            CreatedAt = now.AddMilliseconds(-1_234),
            LastUpdatedAt = now.AddMilliseconds(-17),
            Ttl = TimeSpan.FromMinutes(30),
            Result = """{"content":[{"type":"text","text":"done ✓"}],"isError":false}""",
            Error = """{"code":-32603,"message":"boom"}""",
            InputRequests = """{"folder":{"method":"elicitation/create","params":{"message":"Which folder?"}}}""",
            InputResponses = """{"earlier":{"action":"accept","content":{"x":1}}}""",
            CancelRequested = true,
            Runner = "host-b/4711",
            RunnerSeenAt = now.AddMilliseconds(-3),
            Version = 42,
        };

        var created = await Store.CreateAsync(task);
        var stored = await Store.GetAsync(task.Id);

        created.Should().Be(task with { Version = 1 });
        stored.Should().NotBeNull();
        stored.Should().BeEquivalentTo(task with { Version = 1 });
        stored.Should().Be(task with { Version = 1 });
        stored!.CreatedAt.Should().Be(now.AddMilliseconds(-1_234));
        stored.RunnerSeenAt.Should().Be(now.AddMilliseconds(-3));
    }

    [Fact]
    public async Task CreatingAnExistingId_Throws_AndKeepsTheFirst()
    {
        var first = await Store.CreateAsync(NewTask());

        var again = () => Store.CreateAsync(first with { Tool = "other.tool", Version = 0 });

        await again.Should().ThrowAsync<InvalidOperationException>();
        (await Store.GetAsync(first.Id)).Should().Be(first);
    }

    [Fact]
    public async Task AnUnknownId_IsNotFound_AndCannotBeReplaced()
    {
        (await Store.GetAsync(NewId())).Should().BeNull();
        (await Store.TryReplaceAsync(NewTask() with { Version = 1 })).Should().BeNull();
    }

    [Fact]
    public async Task ReplacingTheCurrentVersion_StoresIt_AndBumpsTheVersion()
    {
        var created = await Store.CreateAsync(NewTask());

        var completed = await Store.TryReplaceAsync(created with { Status = LuminaTaskStatus.Completed, Result = """{"content":[]}""" });
        var cancelled = await Store.TryReplaceAsync(completed! with { CancelRequested = true });

        completed.Should().Be(created with { Status = LuminaTaskStatus.Completed, Result = """{"content":[]}""", Version = 2 });
        cancelled!.Version.Should().Be(3);
        (await Store.GetAsync(created.Id)).Should().Be(cancelled);
    }

    [Fact]
    public async Task ReplacingAStaleVersion_ReturnsNull_AndChangesNothing()
    {
        var created = await Store.CreateAsync(NewTask());
        var completed = await Store.TryReplaceAsync(created with { Status = LuminaTaskStatus.Completed });

        var stale = await Store.TryReplaceAsync(created with { Status = LuminaTaskStatus.Failed, Error = """{"code":1}""" });

        stale.Should().BeNull();
        (await Store.GetAsync(created.Id)).Should().Be(completed);
    }

    [Fact]
    public async Task ConcurrentUpdates_AllLand()
    {
        var created = await Store.CreateAsync(NewTask() with { StatusMessage = "" });
        // A pause between each read and its replacement, so the changes overlap and most must retry.
        var slow = new PausesAfterReads(Store);

        var updates = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            slow.UpdateAsync(created.Id, t => t with { StatusMessage = t.StatusMessage + $"[{i}]" }))));

        updates.Should().OnlyContain(u => u != null);
        var stored = await Store.GetAsync(created.Id);
        stored!.Version.Should().Be(21, "each of the 20 changes landed once");
        for (var i = 0; i < 20; i++)
        {
            stored.StatusMessage.Should().Contain($"[{i}]");
        }

        stored.StatusMessage!.Length.Should().Be(Enumerable.Range(0, 20).Sum(i => $"[{i}]".Length));
    }

    [Fact]
    public async Task AnExpiredTask_IsGone_AndCannotBeReplaced()
    {
        var created = await Store.CreateAsync(NewTask() with { Ttl = TimeSpan.FromMinutes(1) });

        Clock.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromMilliseconds(1));
        (await Store.GetAsync(created.Id)).Should().NotBeNull("it lives until its ExpiresAt");

        Clock.Advance(TimeSpan.FromMilliseconds(1));
        (await Store.GetAsync(created.Id)).Should().BeNull("a task is forgotten at its ExpiresAt");
        (await Store.TryReplaceAsync(created with { Status = LuminaTaskStatus.Completed })).Should().BeNull();
        (await Store.UpdateAsync(created.Id, t => t with { CancelRequested = true })).Should().BeNull();

        // Forgotten: its id is free again.
        var again = await Store.CreateAsync(created with { LastUpdatedAt = Clock.GetUtcNow() });
        (await Store.GetAsync(created.Id)).Should().Be(again);
    }

    [Fact]
    public async Task ARunnerSeenAfterTheLastChange_ExtendsTheLife()
    {
        var created = await Store.CreateAsync(NewTask() with { Ttl = TimeSpan.FromMinutes(10) });

        Clock.Advance(TimeSpan.FromMinutes(8));
        var seen = await Store.UpdateAsync(created.Id, t => t with { RunnerSeenAt = Clock.GetUtcNow() });
        Clock.Advance(TimeSpan.FromMinutes(8));

        seen!.ExpiresAt.Should().Be(created.LastUpdatedAt + TimeSpan.FromMinutes(18));
        (await Store.GetAsync(created.Id)).Should().Be(seen, "16 minutes after its last change, 8 after its runner was seen");
        var progressed = await Store.TryReplaceAsync(seen with { StatusMessage = "still going" });
        progressed.Should().NotBeNull("a task alive by its runner can still change");

        Clock.Advance(TimeSpan.FromMinutes(2));
        (await Store.GetAsync(created.Id)).Should().BeNull("10 minutes after its runner was last seen");
    }

    protected LuminaTaskRecord NewTask()
    {
        var now = Clock.GetUtcNow();
        return new LuminaTaskRecord
        {
            Id = NewId(),
            OwnerId = "user-alice",
            Tool = "time.sleep",
            Status = LuminaTaskStatus.Working,
            CreatedAt = now,
            LastUpdatedAt = now,
            Ttl = TimeSpan.FromHours(1),
            Runner = "host-a",
        };
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>The store, with a pause after each read: what a busy host between reading a task and writing it back looks like.</summary>
    private sealed class PausesAfterReads(ILuminaTaskStore store) : ILuminaTaskStore
    {
        public Task<LuminaTaskRecord> CreateAsync(LuminaTaskRecord task, CancellationToken cancellationToken = default) => store.CreateAsync(task, cancellationToken);

        public async Task<LuminaTaskRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
        {
            var task = await store.GetAsync(id, cancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
            return task;
        }

        public Task<LuminaTaskRecord?> TryReplaceAsync(LuminaTaskRecord task, CancellationToken cancellationToken = default) => store.TryReplaceAsync(task, cancellationToken);
    }
}
