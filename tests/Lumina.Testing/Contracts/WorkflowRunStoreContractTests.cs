using Lumina.Core.Workflows;

namespace Lumina.Testing.Contracts;

/// <summary>
/// The same workflow run rules on each store: records kept whole, versions that only move by compare-and-swap,
/// concurrent changes that all land, listings newest first, checkpoints in order, a ledger of steps where the first
/// record wins, and a finished run forgotten with all of it at its expiry by the store's clock (<see cref="Clock"/>,
/// which derived classes give the store).
/// </summary>
public abstract class WorkflowRunStoreContractTests : IAsyncLifetime
{
    protected IWorkflowRunStore Store { get; set; } = null!;

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
        var run = new WorkflowRunRecord
        {
            Id = NewId(),
            Workflow = "triage",
            Definition = "name: triage\nsteps:\n  - id: a\n    tool: time.now # “quoted” ✓\n",
            Source = "workflows/triage.yaml",
            OwnerId = "user-alice",
            Caller = """{"id":"user-alice","roles":["user"]}""",
            Inputs = """{"folder":"/tmp/ü","depth":3}""",
            Status = WorkflowRunStatus.Running,
            StatusMessage = "Running step \"a\"",
            StepsDone = 2,
            StepsTotal = 7,
            CreatedAt = now.AddMilliseconds(-1_234),
            LastUpdatedAt = now.AddMilliseconds(-17),
            Ttl = TimeSpan.FromMinutes(30),
            Result = """{"out":1}""",
            Error = "nothing yet",
            CancelRequested = true,
            Runner = "host-b/4711",
            RunnerSeenAt = now.AddMilliseconds(-3),
            Resumes = 4,
            Version = 42,
        };

        var created = await Store.CreateAsync(run);
        var stored = await Store.GetAsync(run.Id);

        created.Should().Be(run with { Version = 1 });
        stored.Should().NotBeNull();
        stored.Should().BeEquivalentTo(run with { Version = 1 });
        stored.Should().Be(run with { Version = 1 });
        stored!.CreatedAt.Should().Be(now.AddMilliseconds(-1_234));
        stored.RunnerSeenAt.Should().Be(now.AddMilliseconds(-3));
    }

    [Fact]
    public async Task CreatingAnExistingId_Throws_AndKeepsTheFirst()
    {
        var first = await Store.CreateAsync(NewRun());

        var again = () => Store.CreateAsync(first with { Workflow = "other", Version = 0 });

        await again.Should().ThrowAsync<InvalidOperationException>();
        (await Store.GetAsync(first.Id)).Should().Be(first);
        (await Store.ListAsync()).Should().ContainSingle(r => r.Id == first.Id);
    }

    [Fact]
    public async Task AnUnknownRun_IsNotFound_HasNothing_AndCannotBeReplaced()
    {
        var id = NewId();

        (await Store.GetAsync(id)).Should().BeNull();
        (await Store.TryReplaceAsync(NewRun() with { Id = id, Version = 1 })).Should().BeNull();
        (await Store.UpdateAsync(id, r => r with { StepsDone = 1 })).Should().BeNull();
        (await Store.GetCheckpointAsync(id, "c1")).Should().BeNull();
        (await Store.ListCheckpointsAsync(id)).Should().BeEmpty();
        (await Store.GetStepAsync(id, "a")).Should().BeNull();
        (await Store.ListStepsAsync(id)).Should().BeEmpty();
        (await Store.GetAsync(id)).Should().BeNull("reading did not make it");
    }

    [Fact]
    public async Task ReplacingTheCurrentVersion_StoresIt_AndBumpsTheVersion()
    {
        var created = await Store.CreateAsync(NewRun());

        var progressed = await Store.TryReplaceAsync(created with { StepsDone = 1, StatusMessage = "step b" });
        var completed = await Store.TryReplaceAsync(progressed! with { Status = WorkflowRunStatus.Completed, Result = """{"x":true}""" });

        progressed.Should().Be(created with { StepsDone = 1, StatusMessage = "step b", Version = 2 });
        completed!.Version.Should().Be(3);
        (await Store.GetAsync(created.Id)).Should().Be(completed);
    }

    [Fact]
    public async Task ReplacingAStaleVersion_ReturnsNull_AndChangesNothing()
    {
        var created = await Store.CreateAsync(NewRun());
        var cancelled = await Store.TryReplaceAsync(created with { CancelRequested = true });

        var stale = await Store.TryReplaceAsync(created with { Status = WorkflowRunStatus.Failed, Error = "boom" });

        cancelled.Should().NotBeNull();
        stale.Should().BeNull();
        (await Store.GetAsync(created.Id)).Should().Be(cancelled);
    }

    [Fact]
    public async Task ConcurrentUpdates_AllLand()
    {
        var created = await Store.CreateAsync(NewRun());
        // A pause between each read and its replacement, so the changes overlap and most must retry.
        var slow = new PausesAfterReads(Store);

        var updates = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() =>
            slow.UpdateAsync(created.Id, r => r with { StepsDone = r.StepsDone + 1 }))));

        updates.Should().OnlyContain(u => u != null);
        var stored = await Store.GetAsync(created.Id);
        stored!.StepsDone.Should().Be(20, "each of the 20 changes landed once");
        stored.Version.Should().Be(21);
    }

    [Fact]
    public async Task List_IsNewestFirst_ByOwner_UnfinishedOnly_AndLimited()
    {
        var owner = "owner-" + NewId();
        var other = "owner-" + NewId();
        var start = Clock.GetUtcNow();
        var first = await Store.CreateAsync(NewRun() with { OwnerId = owner, CreatedAt = start.AddSeconds(1) });
        var second = await Store.CreateAsync(NewRun() with { OwnerId = other, CreatedAt = start.AddSeconds(2) });
        var third = await Store.CreateAsync(NewRun() with { OwnerId = owner, CreatedAt = start.AddSeconds(3), Status = WorkflowRunStatus.Completed });
        var fourth = await Store.CreateAsync(NewRun() with { OwnerId = owner, CreatedAt = start.AddSeconds(4) });

        (await Store.ListAsync()).Select(r => r.Id).Should().Equal(fourth.Id, third.Id, second.Id, first.Id);
        (await Store.ListAsync(owner)).Select(r => r.Id).Should().Equal(fourth.Id, third.Id, first.Id);
        (await Store.ListAsync(other)).Should().Equal(second);
        (await Store.ListAsync(owner, unfinishedOnly: true)).Select(r => r.Id).Should().Equal(fourth.Id, first.Id);
        (await Store.ListAsync(unfinishedOnly: true)).Select(r => r.Id).Should().Equal(fourth.Id, second.Id, first.Id);
        (await Store.ListAsync(owner, limit: 2)).Should().Equal(fourth, third);
        (await Store.ListAsync(limit: 1)).Should().Equal(fourth);
        (await Store.ListAsync(limit: 0)).Should().BeEmpty();
        (await Store.ListAsync("nobody-" + NewId())).Should().BeEmpty();

        var finished = await Store.TryReplaceAsync(first with { Status = WorkflowRunStatus.Failed, Error = "boom" });
        (await Store.ListAsync(owner, unfinishedOnly: true)).Select(r => r.Id).Should().Equal(fourth.Id);
        (await Store.ListAsync(owner)).Should().Equal(fourth, third, finished!);
    }

    [Fact]
    public async Task AFinishedRun_IsForgotten_WithItsCheckpointsAndSteps_AtItsExpiry()
    {
        var created = await Store.CreateAsync(NewRun() with { Ttl = TimeSpan.FromMinutes(1) });
        await Store.AddCheckpointAsync(created.Id, "c1", null, """{"at":"a"}""");
        await Store.RecordStepAsync(created.Id, "a", """{"ok":1}""");
        var finished = await Store.TryReplaceAsync(created with { Status = WorkflowRunStatus.Completed, LastUpdatedAt = Clock.GetUtcNow() });
        finished!.ExpiresAt.Should().Be(Clock.GetUtcNow() + TimeSpan.FromMinutes(1));

        Clock.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromMilliseconds(1));
        (await Store.GetAsync(created.Id)).Should().Be(finished, "it lives until its ExpiresAt");
        (await Store.ListAsync(created.OwnerId)).Should().Contain(finished);
        (await Store.GetCheckpointAsync(created.Id, "c1")).Should().Be("""{"at":"a"}""");
        (await Store.ListStepsAsync(created.Id)).Should().HaveCount(1);

        Clock.Advance(TimeSpan.FromMilliseconds(1));
        // Read before anything lists or creates runs: gone at once, not only once the store gets round to purging.
        (await Store.GetAsync(created.Id)).Should().BeNull("a finished run is forgotten at its ExpiresAt");
        (await Store.GetCheckpointAsync(created.Id, "c1")).Should().BeNull();
        (await Store.ListCheckpointsAsync(created.Id)).Should().BeEmpty();
        (await Store.GetStepAsync(created.Id, "a")).Should().BeNull();
        (await Store.ListStepsAsync(created.Id)).Should().BeEmpty();
        (await Store.TryReplaceAsync(finished with { CancelRequested = true })).Should().BeNull();
        (await Store.ListAsync(created.OwnerId)).Should().NotContain(r => r.Id == created.Id);
        (await Store.ListAsync()).Should().NotContain(r => r.Id == created.Id);
        (await Store.GetCheckpointAsync(created.Id, "c1")).Should().BeNull();
        (await Store.GetStepAsync(created.Id, "a")).Should().BeNull();

        // Forgotten: its id is free again, and the new run starts with no checkpoints or steps.
        var again = await Store.CreateAsync(NewRun() with { Id = created.Id });
        (await Store.GetAsync(created.Id)).Should().Be(again);
        (await Store.ListCheckpointsAsync(created.Id)).Should().BeEmpty();
        (await Store.RecordStepAsync(created.Id, "a", """{"ok":2}""")).Should().Be("""{"ok":2}""");
    }

    [Fact]
    public async Task ARunningRun_NeverExpires()
    {
        var created = await Store.CreateAsync(NewRun() with { Ttl = TimeSpan.FromMinutes(1) });
        await Store.AddCheckpointAsync(created.Id, "c1", null, "{}");
        await Store.RecordStepAsync(created.Id, "a", "{}");

        Clock.Advance(TimeSpan.FromDays(400));

        created.ExpiresAt.Should().BeNull();
        (await Store.GetAsync(created.Id)).Should().Be(created);
        (await Store.ListAsync(created.OwnerId, unfinishedOnly: true)).Should().Contain(created);
        (await Store.GetCheckpointAsync(created.Id, "c1")).Should().Be("{}");
        (await Store.GetStepAsync(created.Id, "a")).Should().Be("{}");

        // Finished now, it is kept for its Ttl from its last change, then forgotten.
        var finished = await Store.TryReplaceAsync(created with { Status = WorkflowRunStatus.Cancelled, LastUpdatedAt = Clock.GetUtcNow() });
        Clock.Advance(TimeSpan.FromSeconds(59));
        (await Store.GetAsync(created.Id)).Should().Be(finished);
        Clock.Advance(TimeSpan.FromSeconds(1));
        (await Store.GetAsync(created.Id)).Should().BeNull();
    }

    [Fact]
    public async Task Checkpoints_AreListedInOrder_FilteredByParent_AndReadBackExactly()
    {
        var run = await Store.CreateAsync(NewRun());
        var root = """{"state":{"x":1},"text":"ünïcödé \"quoted\" ✓"}""";
        var child = """  { "state" : [1, 2, 3] }  """;
        var sibling = """{"state":null}""";

        await Store.AddCheckpointAsync(run.Id, "zeta", null, root);
        await Store.AddCheckpointAsync(run.Id, "alpha", "zeta", child);
        await Store.AddCheckpointAsync(run.Id, "mid", "zeta", sibling);
        await Store.AddCheckpointAsync(run.Id, "leaf", "alpha", "{}");

        (await Store.ListCheckpointsAsync(run.Id)).Should().Equal("zeta", "alpha", "mid", "leaf");
        (await Store.ListCheckpointsAsync(run.Id, "zeta")).Should().Equal("alpha", "mid");
        (await Store.ListCheckpointsAsync(run.Id, "alpha")).Should().Equal("leaf");
        (await Store.ListCheckpointsAsync(run.Id, "leaf")).Should().BeEmpty();
        (await Store.GetCheckpointAsync(run.Id, "zeta")).Should().Be(root);
        (await Store.GetCheckpointAsync(run.Id, "alpha")).Should().Be(child, "the JSON text comes back as it was given");
        (await Store.GetCheckpointAsync(run.Id, "unknown")).Should().BeNull();

        // Another run's checkpoints are its own.
        var other = await Store.CreateAsync(NewRun());
        (await Store.ListCheckpointsAsync(other.Id)).Should().BeEmpty();
        (await Store.GetCheckpointAsync(other.Id, "zeta")).Should().BeNull();
    }

    [Fact]
    public async Task RecordStep_FirstWriteWins()
    {
        var run = await Store.CreateAsync(NewRun());

        var first = await Store.RecordStepAsync(run.Id, "fetch", """{"n":1}""");
        var second = await Store.RecordStepAsync(run.Id, "fetch", """{"n":2}""");

        first.Should().Be("""{"n":1}""");
        second.Should().Be("""{"n":1}""", "the first record wins");
        (await Store.GetStepAsync(run.Id, "fetch")).Should().Be("""{"n":1}""");
        (await Store.GetStepAsync(run.Id, "unknown")).Should().BeNull();
        Steps(await Store.ListStepsAsync(run.Id)).Should().Equal("""fetch={"n":1}""");
    }

    [Fact]
    public async Task ConcurrentRecordsOfOneStep_AllReturnTheSameWinner()
    {
        var run = await Store.CreateAsync(NewRun());

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            Store.RecordStepAsync(run.Id, "each[3]", $$"""{"writer":{{i}}}"""))));

        results.Distinct().Should().ContainSingle();
        var winner = results[0];
        Enumerable.Range(0, 20).Select(i => $$"""{"writer":{{i}}}""").Should().Contain(winner);
        (await Store.GetStepAsync(run.Id, "each[3]")).Should().Be(winner);
        Steps(await Store.ListStepsAsync(run.Id)).Should().Equal($"each[3]={winner}");
    }

    [Fact]
    public async Task ListSteps_IsInRecordOrder()
    {
        var run = await Store.CreateAsync(NewRun());

        await Store.RecordStepAsync(run.Id, "zeta", "1");
        await Store.RecordStepAsync(run.Id, "alpha", "\"two\"");
        await Store.RecordStepAsync(run.Id, "zeta", "ignored");
        await Store.RecordStepAsync(run.Id, "loop[0]", """{"three":3}""");

        Steps(await Store.ListStepsAsync(run.Id)).Should().Equal("zeta=1", "alpha=\"two\"", """loop[0]={"three":3}""");
        (await Store.ListStepsAsync(NewId())).Should().BeEmpty();
    }

    protected WorkflowRunRecord NewRun()
    {
        var now = Clock.GetUtcNow();
        return new WorkflowRunRecord
        {
            Id = NewId(),
            Workflow = "triage",
            Definition = "name: triage\nsteps: []\n",
            Source = "workflows/triage.yaml",
            OwnerId = "user-alice",
            Caller = """{"id":"user-alice"}""",
            Inputs = "{}",
            Status = WorkflowRunStatus.Running,
            StepsTotal = 3,
            CreatedAt = now,
            LastUpdatedAt = now,
            Ttl = TimeSpan.FromHours(1),
            Runner = "host-a",
        };
    }

    /// <summary>Steps as <c>key=json</c>, in the order listed.</summary>
    protected static string[] Steps(IReadOnlyList<KeyValuePair<string, string>> steps) => [.. steps.Select(s => $"{s.Key}={s.Value}")];

    protected static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>The store, with a pause after each read: what a busy host between reading a run and writing it back looks like.</summary>
    private sealed class PausesAfterReads(IWorkflowRunStore store) : IWorkflowRunStore
    {
        public Task<WorkflowRunRecord> CreateAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default) => store.CreateAsync(run, cancellationToken);

        public async Task<WorkflowRunRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
        {
            var run = await store.GetAsync(id, cancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
            return run;
        }

        public Task<WorkflowRunRecord?> TryReplaceAsync(WorkflowRunRecord run, CancellationToken cancellationToken = default) => store.TryReplaceAsync(run, cancellationToken);

        public Task<IReadOnlyList<WorkflowRunRecord>> ListAsync(string? ownerId = null, bool unfinishedOnly = false, int limit = 100, CancellationToken cancellationToken = default) =>
            store.ListAsync(ownerId, unfinishedOnly, limit, cancellationToken);

        public Task AddCheckpointAsync(string runId, string checkpointId, string? parentId, string json, CancellationToken cancellationToken = default) =>
            store.AddCheckpointAsync(runId, checkpointId, parentId, json, cancellationToken);

        public Task<string?> GetCheckpointAsync(string runId, string checkpointId, CancellationToken cancellationToken = default) =>
            store.GetCheckpointAsync(runId, checkpointId, cancellationToken);

        public Task<IReadOnlyList<string>> ListCheckpointsAsync(string runId, string? parentId = null, CancellationToken cancellationToken = default) =>
            store.ListCheckpointsAsync(runId, parentId, cancellationToken);

        public Task<string> RecordStepAsync(string runId, string key, string resultJson, CancellationToken cancellationToken = default) =>
            store.RecordStepAsync(runId, key, resultJson, cancellationToken);

        public Task<string?> GetStepAsync(string runId, string key, CancellationToken cancellationToken = default) =>
            store.GetStepAsync(runId, key, cancellationToken);

        public Task<IReadOnlyList<KeyValuePair<string, string>>> ListStepsAsync(string runId, CancellationToken cancellationToken = default) =>
            store.ListStepsAsync(runId, cancellationToken);
    }
}
