using Lumina.Abstractions;
using Lumina.Core.Budgets;
using Lumina.Providers.Budgets;
using Lumina.Testing.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Providers.Tests.Budgets;

/// <summary><see cref="BudgetChatClient"/> and <see cref="UsageChatClient"/> above the router, for streams and by hand.</summary>
public sealed class BudgetChatClientTests
{
    [Fact]
    public async Task AStream_IsChargedItsRealCost_AndItsLastUpdateCarriesTheCall()
    {
        await using var server = new ScriptedOpenAiServer(200, "a streamed answer");
        using var services = Build(server);

        var updates = await services.GetRequiredService<IChatClient>().GetStreamingResponseAsync("hello").ToListAsync();

        var call = ProviderCall.From(updates.ToChatResponse())!;
        call.Should().BeEquivalentTo(new { Provider = "main", InputTokens = 11L, OutputTokens = 3L, Estimated = false, Cost = 0.014m });
        updates[^1].Contents.Should().BeEmpty("the accounting update adds no text");
        string.Concat(updates.Select(u => u.Text)).Should().Be("a streamed answer");
        (await services.GetRequiredService<BudgetGuard>().StatusAsync("local", CancellationToken.None)).Single().Spent.Should().Be(0.014m);
        services.GetRequiredService<UsageMeter>().ForProvider("main").Should().Be(new UsageTotals(1, 11, 3, 0.014m));
    }

    [Fact]
    public async Task AStreamThatBreaksOff_IsStillChargedWhatArrived_ThenFails()
    {
        await using var server = new ScriptedOpenAiServer(200, "one two three four five") { BreakStreamAfter = 2 };
        using var services = Build(server);
        var received = new List<ChatResponseUpdate>();

        var read = async () =>
        {
            await foreach (var update in services.GetRequiredService<IChatClient>().GetStreamingResponseAsync("hello"))
            {
                received.Add(update);
            }
        };

        (await read.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("broke off");
        var call = ProviderCall.From(received.ToChatResponse())!;
        call.Estimated.Should().BeTrue("the provider never reported usage for the broken stream");
        call.Cost.Should().BePositive();
        (await services.GetRequiredService<BudgetGuard>().StatusAsync("local", CancellationToken.None)).Single().Spent.Should().Be(call.Cost);
        services.GetRequiredService<UsageMeter>().ForProvider("main").Should().Be(new UsageTotals(1, call.InputTokens, call.OutputTokens, call.Cost));
    }

    [Fact]
    public async Task UseBudgetsAndUseUsage_ComposeByHand_OverARouter()
    {
        await using var server = new ScriptedOpenAiServer(200, "answer");
        using var services = Build(server);
        var router = services.GetRequiredService<ProviderRouter>();
        var context = new LuminaCallContextAccessor();
        var usage = new UsageMeter();
        var budgets = new BudgetGuard(
            new Dictionary<string, BudgetOptions> { ["tiny"] = new() { Limit = 0.015m, Period = "total" } },
            services.GetRequiredService<IBudgetStore>(),
            TimeProvider.System);
        using var chat = router.AsBuilder().UseBudgets(budgets, context).UseUsage(usage, context).Build();

        await chat.GetResponseAsync("one");
        var second = () => chat.GetResponseAsync("two");

        (await second.Should().ThrowAsync<LuminaLimitException>()).Which.Message.Should().Contain("Budget 'tiny' is spent");
        server.Requests.Should().Be(1);
        usage.ForCaller(LuminaCaller.InProcess.Id).Should().Be(new UsageTotals(1, 11, 3, 0.014m));
    }

    [Fact]
    public void UseBudgets_WithNoRouterBelow_SaysWhatItNeeds()
    {
        using var services = ProviderHost.Build([]);
        var budgets = new BudgetGuard(new Dictionary<string, BudgetOptions>(), services.GetRequiredService<IBudgetStore>(), TimeProvider.System);

        var build = () => new EmptyChat().AsBuilder().UseBudgets(budgets, new LuminaCallContextAccessor()).Build();

        build.Should().Throw<ArgumentException>().Which.Message.Should().Contain("needs a ProviderRouter below it");
    }

    private static ServiceProvider Build(ScriptedOpenAiServer server) => ProviderHost.Build([
        ProviderHost.Provider("main", server.Endpoint, 1, ("InputPricePerMillion", "1000"), ("OutputPricePerMillion", "1000")),
        new() { ["Lumina:Budgets:daily:Limit"] = "10", ["Lumina:Budgets:daily:Period"] = "day" }]);

    private sealed class EmptyChat : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse());

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            AsyncEnumerable.Empty<ChatResponseUpdate>();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
