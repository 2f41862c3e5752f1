using Lumina.Abstractions.Memory;
using Lumina.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tests.Memory;

/// <summary>The memory filter for a .NET program that invokes prompt functions in-process.</summary>
public sealed class MemoryFilterTests : IDisposable
{
    private readonly string _prompts = TestData.NewDirectory();
    private readonly RecordingChat _chat = new();

    public MemoryFilterTests()
    {
        TestPrompts.WriteAsk(_prompts);
    }

    public void Dispose() => Directory.Delete(_prompts, recursive: true);

    [Fact]
    public async Task PromptFunction_InProcess_SeesEarlierTurnsAndFactsAndIsStored()
    {
        using var provider = Build();
        var kernel = provider.GetRequiredService<Kernel>();
        await provider.GetRequiredService<ILuminaMemory>().RememberAsync("local", "The answer to everything is 42", []);

        await kernel.InvokeAsync("notes", "ask", new() { ["question"] = "What is the answer?" });
        await kernel.InvokeAsync("notes", "ask", new() { ["question"] = "And to everything?" });

        var second = _chat.Requests[1];
        second.Select(m => (m.Role, m.Text)).Should().Equal(
            (ChatRole.System, "Facts remembered about the user (use them when relevant):\n- The answer to everything is 42"),
            (ChatRole.User, "Question: What is the answer?"),
            (ChatRole.Assistant, "answer 1"),
            (ChatRole.User, "Question: And to everything?"));
        var stored = await provider.GetRequiredService<ILuminaMemory>().GetConversationAsync("local", "notes.ask", 50);
        stored!.Turns.Should().HaveCount(4);
    }

    [Fact]
    public async Task LongHistory_IsSummarisedByTheChatService()
    {
        using var provider = Build(new() { ["Lumina:Memory:Filter:SummarizeAfterTurns"] = "4", ["Lumina:Memory:Filter:KeepRecentTurns"] = "2" });
        var kernel = provider.GetRequiredService<Kernel>();

        for (var i = 0; i < 3; i++)
        {
            await kernel.InvokeAsync("notes", "ask", new() { ["question"] = $"q{i}" });
        }

        var turns = (await provider.GetRequiredService<ILuminaMemory>().GetConversationAsync("local", "notes.ask", 50))!.Turns;
        turns[0].Role.Should().Be(TurnRole.System);
        turns[0].Content.Should().StartWith("Summary of the earlier conversation:");
        turns.Count.Should().BeLessThanOrEqualTo(4);
    }

    [Fact]
    public async Task Disabled_LeavesThePromptAlone()
    {
        using var provider = Build(new() { ["Lumina:Memory:Filter:Enabled"] = "false" });
        var kernel = provider.GetRequiredService<Kernel>();

        await kernel.InvokeAsync("notes", "ask", new() { ["question"] = "one" });
        await kernel.InvokeAsync("notes", "ask", new() { ["question"] = "two" });

        _chat.Requests[1].Select(m => m.Text).Should().Equal("Question: two");
    }

    private ServiceProvider Build(Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lumina:DataDirectory"] = TestData.NewDirectory(),
            ["Lumina:Prompts:Directories:0"] = _prompts,
            ["Lumina:Prompts:BuiltIn"] = "false",
        }).AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IChatClient>(_chat);
        services.AddLumina(configuration).AddSqliteStores().AddBuiltInPlugins(configuration).AddProviders(configuration);
        return services.BuildServiceProvider();
    }

    private sealed class RecordingChat : IChatClient
    {
        public List<List<ChatMessage>> Requests { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            var isSummary = list[0].Text.StartsWith("Summarise", StringComparison.Ordinal);
            if (!isSummary)
            {
                Requests.Add(list);
            }

            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, isSummary ? "- earlier questions" : $"answer {Requests.Count}")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("Not used by these tests.");

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("recording") : serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}
