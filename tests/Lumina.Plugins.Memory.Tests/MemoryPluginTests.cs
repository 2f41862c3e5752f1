using Lumina.Abstractions;
using Lumina.Abstractions.Memory;
using Lumina.Core.Memory;
using Lumina.Storage.Sqlite;

namespace Lumina.Plugins.Memory.Tests;

public sealed class MemoryPluginTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lumina-memory-plugin-").FullName;
    private readonly LuminaCallContextAccessor _accessor = new();
    private readonly RecordingNotifier _notifier = new();
    private readonly SqliteMemory _memory;
    private readonly MemoryPlugin _plugin;

    public MemoryPluginTests()
    {
        _memory = new SqliteMemory(Path.Combine(_folder, "memory.db"), new MemoryOptions(), TimeProvider.System);
        _plugin = new MemoryPlugin(_memory, _accessor, _notifier);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task RememberRecallForget_AreTheCallersOwn()
    {
        using (As("ada"))
        {
            var fact = await _plugin.RememberAsync("Ada deploys on Fridays", ["habits"]);
            (await _plugin.RecallAsync("deploys friday")).Facts.Should().ContainSingle().Which.Fact.Id.Should().Be(fact.Id);
        }

        var adasFact = (await _memory.ListFactsAsync("ada", 1))[0].Id;
        using (As("bob"))
        {
            (await _plugin.RecallAsync("deploys friday")).Facts.Should().BeEmpty();
            var forget = () => _plugin.ForgetAsync(adasFact);
            await forget.Should().ThrowAsync<LuminaException>().WithMessage("*no fact*");
        }

        _notifier.Uris.Should().Contain(MemoryPlugin.FactsUri);
    }

    [Fact]
    public async Task Context_SetAndGet_MissingKeyIsAClearError()
    {
        using var _ = As("ada");

        await _plugin.SetContextAsync("project", "lumina");
        var missing = () => _plugin.GetContextAsync("nope");

        (await _plugin.GetContextAsync("project")).Value.Should().Be("lumina");
        await missing.Should().ThrowAsync<LuminaException>().WithMessage("*nope*");
        _notifier.Uris.Should().Contain(MemoryPlugin.ContextUri);
    }

    [Fact]
    public async Task Conversations_ListAndGet_OnlyTheCallers()
    {
        await _memory.AppendAsync("ada", "c1", [new ConversationTurn(TurnRole.User, "hello", DateTimeOffset.UtcNow)]);

        using (As("ada"))
        {
            (await _plugin.ListConversationsAsync()).Conversations.Select(c => c.Id).Should().Equal("c1");
            (await _plugin.GetConversationAsync("c1")).Turns.Should().ContainSingle();
        }

        using (As("bob"))
        {
            var get = () => _plugin.GetConversationAsync("c1");
            await get.Should().ThrowAsync<LuminaException>();
        }
    }

    [Fact]
    public async Task ForgetAll_ErasesTheCallersMemory()
    {
        using var _ = As("ada");
        await _plugin.RememberAsync("one", null);
        await _plugin.SetContextAsync("k", "v");

        (await _plugin.ForgetAllAsync()).Should().Be("Erased 2 items.");
        (await _plugin.FactsAsync()).Should().BeEmpty();
        (await _plugin.ContextAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task EveryChange_IsToldToTheChangingCallersSessionsOnly_NeverToEveryone()
    {
        using (As("alice"))
        {
            var fact = await _plugin.RememberAsync("Alice's secret plan", null);
            await _plugin.SetContextAsync("project", "x");
            await _plugin.ForgetAsync(fact.Id);
            await _plugin.ForgetAllAsync();
        }

        _notifier.Changes.Should().Equal(
            (MemoryPlugin.FactsUri, "alice"),
            (MemoryPlugin.ContextUri, "alice"),
            (MemoryPlugin.FactsUri, "alice"),
            (MemoryPlugin.FactsUri, "alice"),
            (MemoryPlugin.ContextUri, "alice"));
    }

    private IDisposable As(string user) =>
        _accessor.Push(new LuminaCallContext(new LuminaCaller(user, user, "user", LuminaTransport.InProcess, IsAuthenticated: true)));

    private sealed class RecordingNotifier : ILuminaResourceNotifier
    {
        /// <summary>Each change: the URI, and the caller it concerns (null when it was told to everyone).</summary>
        public List<(string Uri, string? CallerId)> Changes { get; } = [];

        public IEnumerable<string> Uris => Changes.Select(c => c.Uri);

        public ValueTask NotifyUpdatedAsync(string uri, CancellationToken cancellationToken = default)
        {
            Changes.Add((uri, null));
            return ValueTask.CompletedTask;
        }

        public ValueTask NotifyCallerUpdatedAsync(string uri, string callerId, CancellationToken cancellationToken = default)
        {
            Changes.Add((uri, callerId));
            return ValueTask.CompletedTask;
        }
    }
}
