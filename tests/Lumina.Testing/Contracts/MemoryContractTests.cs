using Lumina.Abstractions;
using Lumina.Abstractions.Memory;
using Lumina.Core.Memory;

namespace Lumina.Testing.Contracts;

/// <summary>
/// The behaviour every memory store must have. Each store's test class runs all of it against a real store, so the
/// embedded and the shared store stay interchangeable.
/// </summary>
public abstract class MemoryContractTests : IAsyncLifetime
{
    protected static MemoryOptions SmallLimits() => new()
    {
        MaxFactsPerUser = 5,
        MaxFactBytes = 200,
        MaxContextKeys = 3,
        MaxValueBytes = 50,
        MaxConversationsPerUser = 3,
        MaxTurnsPerConversation = 6,
        MaxTurnBytes = 100,
    };

    protected ManualWallClock Time { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    protected ILuminaMemory Memory { get; private set; } = null!;

    protected abstract Task<ILuminaMemory> CreateAsync(MemoryOptions options, TimeProvider time, FactEmbedder? embedder = null);

    public virtual async Task InitializeAsync() => Memory = await CreateAsync(SmallLimits(), Time);

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Remember_ThenRecall_RanksTheMostRelevantFirst()
    {
        await Memory.RememberAsync("ada", "The user prefers tabs over spaces for indentation", ["style"]);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Memory.RememberAsync("ada", "The project uses PostgreSQL 16 in production", ["infra"]);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Memory.RememberAsync("ada", "Indentation in YAML files must use two spaces", []);

        var recalled = await Memory.RecallAsync("ada", "indentation tabs", 5);

        recalled.Select(r => r.Fact.Text).Should().Equal(
            "The user prefers tabs over spaces for indentation",
            "Indentation in YAML files must use two spaces");
        recalled[0].Score.Should().BeGreaterThan(recalled[1].Score);
    }

    [Fact]
    public async Task Recall_WithTags_KeepsOnlyFactsCarryingThem()
    {
        await Memory.RememberAsync("ada", "Deploy with the blue pipeline", ["Infra", "deploy"]);
        await Memory.RememberAsync("ada", "Deploy notes for the docs site", ["docs"]);

        var recalled = await Memory.RecallAsync("ada", "deploy", 5, ["infra"]);

        recalled.Should().ContainSingle().Which.Fact.Tags.Should().BeEquivalentTo(["infra", "deploy"]);
    }

    [Fact]
    public async Task Recall_WithAnEmbeddingGenerator_FindsFactsByMeaningToo()
    {
        var memory = await CreateAsync(SmallLimits(), Time, new FactEmbedder(new ConceptEmbeddings()));
        await memory.RememberAsync("ada", "The user drives a red car", []);
        await memory.RememberAsync("ada", "The user has a small dog", []);

        var byMeaning = await memory.RecallAsync("ada", "automobile", 5);
        var byBoth = await memory.RecallAsync("ada", "small puppy", 5);

        byMeaning.Select(r => r.Fact.Text).Should().Equal("The user drives a red car");
        byBoth.Select(r => r.Fact.Text).Should().StartWith("The user has a small dog");
        (await memory.LoadAsync("ada", "c", 5, "vehicle", 5)).Facts.Select(r => r.Fact.Text).Should().Equal("The user drives a red car");
    }

    [Fact]
    public async Task Recall_NothingRelevant_IsEmpty()
    {
        await Memory.RememberAsync("ada", "Coffee is on the third floor", []);

        (await Memory.RecallAsync("ada", "kubernetes", 5)).Should().BeEmpty();
        (await Memory.RecallAsync("ada", "   ", 5)).Should().BeEmpty();
    }

    [Fact]
    public async Task Facts_AreKeptPerUser()
    {
        await Memory.RememberAsync("ada", "Ada's secret is 42", []);

        (await Memory.RecallAsync("bob", "secret", 5)).Should().BeEmpty();
        (await Memory.ListFactsAsync("bob", 10)).Should().BeEmpty();
    }

    [Fact]
    public async Task Forget_RemovesOnlyThatFactAndOnlyForItsOwner()
    {
        var keep = await Memory.RememberAsync("ada", "keep this", []);
        var drop = await Memory.RememberAsync("ada", "drop this", []);

        (await Memory.ForgetAsync("bob", drop.Id)).Should().BeFalse("bob does not own it");
        (await Memory.ForgetAsync("ada", drop.Id)).Should().BeTrue();
        (await Memory.ForgetAsync("ada", drop.Id)).Should().BeFalse();

        (await Memory.ListFactsAsync("ada", 10)).Select(f => f.Id).Should().Equal(keep.Id);
    }

    [Fact]
    public async Task ListFacts_NewestFirst()
    {
        await Memory.RememberAsync("ada", "first", []);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Memory.RememberAsync("ada", "second", []);

        (await Memory.ListFactsAsync("ada", 10)).Select(f => f.Text).Should().Equal("second", "first");
    }

    [Fact]
    public async Task Remember_OverTheLimits_IsRefusedWithTheSettingNamed()
    {
        for (var i = 0; i < 5; i++)
        {
            await Memory.RememberAsync("ada", $"fact {i}", []);
        }

        var sixth = () => Memory.RememberAsync("ada", "one too many", []);
        var huge = () => Memory.RememberAsync("bob", new string('x', 500), []);
        var empty = () => Memory.RememberAsync("bob", "  ", []);

        await sixth.Should().ThrowAsync<LuminaException>().WithMessage("*Lumina:Memory:MaxFactsPerUser*");
        await huge.Should().ThrowAsync<LuminaException>().WithMessage("*Lumina:Memory:MaxFactBytes*");
        await empty.Should().ThrowAsync<LuminaException>();
        (await Memory.ListFactsAsync("ada", 10)).Should().HaveCount(5, "a refused write stores nothing");
    }

    [Fact]
    public async Task Context_SetGetUpdateDelete()
    {
        (await Memory.GetContextAsync("ada", "project")).Should().BeNull();

        await Memory.SetContextAsync("ada", "project", "lumina");
        Time.Advance(TimeSpan.FromSeconds(1));
        var updated = await Memory.SetContextAsync("ada", "project", "lumina-2");

        var read = await Memory.GetContextAsync("ada", "project");
        read.Should().Be(updated);
        read!.UpdatedAt.Should().Be(Time.GetUtcNow());
        (await Memory.GetContextAsync("bob", "project")).Should().BeNull();
        (await Memory.DeleteContextAsync("ada", "project")).Should().BeTrue();
        (await Memory.GetContextAsync("ada", "project")).Should().BeNull();
    }

    [Fact]
    public async Task Context_Limits_AreEnforcedButUpdatesAlwaysFit()
    {
        for (var i = 0; i < 3; i++)
        {
            await Memory.SetContextAsync("ada", $"k{i}", "v");
        }

        var fourth = () => Memory.SetContextAsync("ada", "k3", "v");
        var tooBig = () => Memory.SetContextAsync("ada", "k0", new string('x', 100));

        await fourth.Should().ThrowAsync<LuminaException>().WithMessage("*Lumina:Memory:MaxContextKeys*");
        await tooBig.Should().ThrowAsync<LuminaException>().WithMessage("*Lumina:Memory:MaxValueBytes*");
        (await Memory.SetContextAsync("ada", "k2", "changed")).Value.Should().Be("changed");
        (await Memory.ListContextAsync("ada")).Select(c => c.Key).Should().Equal("k0", "k1", "k2");
    }

    [Fact]
    public async Task Conversation_AppendAndGet_KeepsOrderAndOwnership()
    {
        var info = await Memory.AppendAsync("ada", "c1", [Turn(TurnRole.User, "How do I deploy?"), Turn(TurnRole.Assistant, "Run the pipeline.")]);
        await Memory.AppendAsync("ada", "c1", [Turn(TurnRole.User, "Thanks")]);

        var conversation = await Memory.GetConversationAsync("ada", "c1", 50);

        info.Title.Should().Be("How do I deploy?");
        conversation!.Turns.Select(t => t.Content).Should().Equal("How do I deploy?", "Run the pipeline.", "Thanks");
        conversation.Info.TurnCount.Should().Be(3);
        (await Memory.GetConversationAsync("bob", "c1", 50)).Should().BeNull("another user can neither read it");
        await Memory.AppendAsync("bob", "c1", [Turn(TurnRole.User, "bob's own")]);
        (await Memory.GetConversationAsync("ada", "c1", 50))!.Turns.Should().HaveCount(3, "nor append to it");
    }

    [Fact]
    public async Task DeleteConversation_RemovesItAndItsTurns_OnlyForItsOwner()
    {
        await Memory.AppendAsync("ada", "c1", [Turn(TurnRole.User, "First"), Turn(TurnRole.Assistant, "Answer")]);
        await Memory.AppendAsync("ada", "c2", [Turn(TurnRole.User, "Other")]);
        await Memory.AppendAsync("bob", "c1", [Turn(TurnRole.User, "bob's own")]);

        var deleted = await Memory.DeleteConversationAsync("ada", "c1");
        var again = await Memory.DeleteConversationAsync("ada", "c1");
        await Memory.AppendAsync("ada", "c1", [Turn(TurnRole.User, "A new start")]);

        deleted.Should().BeTrue();
        again.Should().BeFalse("it is gone");
        (await Memory.ListConversationsAsync("ada", 10)).Select(c => c.Id).Should().BeEquivalentTo(["c1", "c2"]);
        (await Memory.GetConversationAsync("ada", "c1", 50))!.Turns.Select(t => t.Content).Should().Equal(["A new start"], "no turn of the deleted conversation is left behind");
        (await Memory.GetConversationAsync("bob", "c1", 50))!.Turns.Should().ContainSingle("another user's conversation of the same id is untouched");
    }

    [Fact]
    public async Task Conversation_History_IsBoundedAndNeverOrphansAToolResult()
    {
        await Memory.AppendAsync("ada", "c", [Turn(TurnRole.User, "u1"), Turn(TurnRole.Assistant, "call", "t1"), Turn(TurnRole.Tool, "result", "t1")]);
        await Memory.AppendAsync("ada", "c", [Turn(TurnRole.Assistant, "a1"), Turn(TurnRole.User, "u2"), Turn(TurnRole.Assistant, "a2")]);
        await Memory.AppendAsync("ada", "c", [Turn(TurnRole.User, "u3"), Turn(TurnRole.Assistant, "a3")]);

        var turns = (await Memory.GetConversationAsync("ada", "c", 50))!.Turns;

        // 8 turns, 6 kept: dropping 2 would keep the tool result without its call, so the pair goes together.
        turns.Select(t => t.Content).Should().Equal("a1", "u2", "a2", "u3", "a3");
    }

    [Fact]
    public async Task GetConversation_MaxTurns_ReturnsTheMostRecent()
    {
        await Memory.AppendAsync("ada", "c", [Turn(TurnRole.User, "1"), Turn(TurnRole.Assistant, "2"), Turn(TurnRole.User, "3")]);

        (await Memory.GetConversationAsync("ada", "c", 2))!.Turns.Select(t => t.Content).Should().Equal("2", "3");
    }

    [Fact]
    public async Task ListConversations_MostRecentFirstAndLimited()
    {
        await Memory.AppendAsync("ada", "old", [Turn(TurnRole.User, "old one")]);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Memory.AppendAsync("ada", "new", [Turn(TurnRole.User, "new one")]);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Memory.AppendAsync("ada", "x", [Turn(TurnRole.User, "x")]);
        var overLimit = () => Memory.AppendAsync("ada", "y", [Turn(TurnRole.User, "y")]);

        var list = await Memory.ListConversationsAsync("ada", 2);

        list.Select(c => c.Id).Should().Equal("x", "new");
        await overLimit.Should().ThrowAsync<LuminaException>().WithMessage("*Lumina:Memory:MaxConversationsPerUser*");
    }

    [Fact]
    public async Task ReplaceOldest_PutsASummaryInPlaceOfOldTurns()
    {
        await Memory.AppendAsync("ada", "c", [Turn(TurnRole.User, "1"), Turn(TurnRole.Assistant, "2"), Turn(TurnRole.User, "3"), Turn(TurnRole.Assistant, "4")]);

        await Memory.ReplaceOldestAsync("ada", "c", 2, Turn(TurnRole.System, "summary of 1 and 2"));

        (await Memory.GetConversationAsync("ada", "c", 50))!.Turns.Select(t => t.Content).Should().Equal("summary of 1 and 2", "3", "4");
    }

    [Fact]
    public async Task Load_ReturnsRecentTurnsAndRelevantFactsTogether()
    {
        await Memory.RememberAsync("ada", "The staging database is called juniper", []);
        await Memory.RememberAsync("ada", "Lunch is at noon", []);
        await Memory.AppendAsync("ada", "c", [Turn(TurnRole.User, "1"), Turn(TurnRole.Assistant, "2"), Turn(TurnRole.User, "3")]);

        var loaded = await Memory.LoadAsync("ada", "c", 2, "which staging database", 1);
        var fresh = await Memory.LoadAsync("ada", "new", 2, "lunch", 5);

        loaded.Conversation!.Turns.Select(t => t.Content).Should().Equal("2", "3");
        loaded.Facts.Should().ContainSingle().Which.Fact.Text.Should().Be("The staging database is called juniper");
        fresh.Conversation.Should().BeNull();
        fresh.Facts.Select(f => f.Fact.Text).Should().Equal("Lunch is at noon");
        var bobs = await Memory.LoadAsync("bob", "c", 2, "staging", 5);
        bobs.Conversation.Should().BeNull("nothing of ada's reaches bob");
        bobs.Facts.Should().BeEmpty();
    }

    [Fact]
    public async Task ForgetAll_ErasesEverythingOfThatUserOnly()
    {
        await Memory.RememberAsync("ada", "a fact", []);
        await Memory.SetContextAsync("ada", "k", "v");
        await Memory.AppendAsync("ada", "c", [Turn(TurnRole.User, "hi")]);
        await Memory.RememberAsync("bob", "bob's fact", []);

        var erased = await Memory.ForgetAllAsync("ada");

        erased.Should().Be(3);
        (await Memory.ListFactsAsync("ada", 10)).Should().BeEmpty();
        (await Memory.ListContextAsync("ada")).Should().BeEmpty();
        (await Memory.ListConversationsAsync("ada", 10)).Should().BeEmpty();
        (await Memory.GetConversationAsync("ada", "c", 10)).Should().BeNull();
        (await Memory.ListFactsAsync("bob", 10)).Should().ContainSingle();
    }

    [Fact]
    public async Task UserIds_WithSeparators_NeverReachAnotherUsersData()
    {
        await Memory.RememberAsync("a:b", "belongs to a:b", []);
        await Memory.RememberAsync("a", "belongs to a", []);
        await Memory.SetContextAsync("a}{b", "k", "v");

        (await Memory.ListFactsAsync("a", 10)).Select(f => f.Text).Should().Equal("belongs to a");
        (await Memory.ListFactsAsync("a:b", 10)).Select(f => f.Text).Should().Equal("belongs to a:b");
        (await Memory.ListContextAsync("a")).Should().BeEmpty();
    }

    [Fact]
    public async Task ConcurrentRemembers_AllLandWithinTheLimit()
    {
        var writes = Enumerable.Range(0, 20).Select(async i =>
        {
            try
            {
                await Memory.RememberAsync("ada", $"fact number {i}", []);
                return true;
            }
            catch (LuminaException)
            {
                return false;
            }
        });

        var results = await Task.WhenAll(writes);

        results.Count(r => r).Should().Be(5);
        (await Memory.ListFactsAsync("ada", 100)).Should().HaveCount(5);
    }

    protected ConversationTurn Turn(TurnRole role, string content, string? toolCallId = null) => new(role, content, Time.GetUtcNow(), toolCallId);
}

/// <summary>
/// A tiny, deterministic embedding model: each dimension is a concept (vehicles, animals, colours), and a text's vector
/// counts the words of each concept, so "automobile" is close to "car" and far from "dog".
/// </summary>
public sealed class ConceptEmbeddings : Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>
{
    private static readonly string[][] s_concepts =
    [
        ["car", "automobile", "vehicle", "truck"],
        ["dog", "puppy", "cat", "pet"],
        ["red", "blue", "colour", "color"],
    ];

    public Task<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>(values.Select(Embed)));

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private static Microsoft.Extensions.AI.Embedding<float> Embed(string text)
    {
        var words = text.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new Microsoft.Extensions.AI.Embedding<float>(s_concepts.Select(c => (float)words.Count(c.Contains)).ToArray());
    }
}

