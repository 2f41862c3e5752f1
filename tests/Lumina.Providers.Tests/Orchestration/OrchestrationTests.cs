using Lumina.Abstractions.Memory;
using Lumina.Abstractions;
using Lumina.Providers.Orchestration;
using Lumina.Testing;
using Lumina.Testing.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Providers.Tests.Orchestration;

/// <summary><c>ask</c>, <c>synthesize</c> and <c>providers</c> through the kernel, against scripted providers.</summary>
public sealed class OrchestrationTests : IDisposable
{
    private readonly string _root = TestData.NewDirectory();

    public OrchestrationTests()
    {
        File.WriteAllText(Path.Combine(_root, "motto.txt"), "Lumina lights the way.\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Ask_LetsTheModelCallABuiltInTool_ThroughTheKernelFilters_AndAnswersFromItsResult()
    {
        await using var server = new ScriptedOpenAiServer(200);
        server.Enqueue(ScriptedReply.Call("files_read", """{"path":"motto.txt"}"""), ScriptedReply.Answer("The motto is: Lumina lights the way."));
        var filter = new CountingFilter();
        using var services = Build([ProviderHost.Provider("main", server.Endpoint, 1, ("InputPricePerMillion", "1"), ("OutputPricePerMillion", "2"))], filter);

        var result = await Ask(services, "What is the motto?");

        result.Answer.Should().Be("The motto is: Lumina lights the way.");
        result.Provider.Should().Be("main");
        result.Steps.Should().Be(2);
        result.ToolCalls.Should().Equal(new ToolCallSummary("files_read", false));
        result.Usage.Should().Be(new UsageSummary(22, 6, false, 0.000034m));
        filter.Invoked.Should().Equal("orchestration.ask", "files.read");

        var first = server.Received[0];
        first["tools"]!.AsArray().Select(t => t!["function"]!["name"]!.GetValue<string>()).Should().Contain("files_read").And.NotContain("ask");
        var toolMessage = server.Received[1]["messages"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "tool");
        toolMessage!["content"]!.ToString().Should().Contain("Lumina lights the way.");
    }

    [Fact]
    public async Task Ask_RemembersTheConversation_AndTheNextAskSeesIt()
    {
        await using var server = new ScriptedOpenAiServer(200);
        server.Enqueue(ScriptedReply.Answer("Nice to meet you, Ada."), ScriptedReply.Answer("You are Ada."));
        using var services = Build([ProviderHost.Provider("main", server.Endpoint)]);

        await Ask(services, "My name is Ada.", conversationId: "intro");
        var second = await Ask(services, "Who am I?", conversationId: "intro");

        second.ConversationId.Should().Be("intro");
        var messages = server.Received[1]["messages"]!.AsArray().Select(m => m!["content"]?.ToString()).ToList();
        messages.Should().ContainInOrder("My name is Ada.", "Nice to meet you, Ada.", "Who am I?");
        var stored = await services.GetRequiredService<ILuminaMemory>().GetConversationAsync("local", "intro", 10);
        stored!.Turns.Should().HaveCount(4);
    }

    [Fact]
    public async Task Ask_ToolErrorsGoBackToTheModel_WhichCanCorrectItself()
    {
        await using var server = new ScriptedOpenAiServer(200);
        server.Enqueue(
            ScriptedReply.Call("files_read", """{"path":"../../etc/passwd"}"""),
            ScriptedReply.Call("no_such_tool", "{}"),
            ScriptedReply.Call("files_read", """{"path":42}"""),
            ScriptedReply.Answer("I could not read that."));
        using var services = Build([ProviderHost.Provider("main", server.Endpoint)]);

        var result = await Ask(services, "Read the password file.");

        result.ToolCalls.Select(c => c.Failed).Should().Equal(true, true, true);
        var toolResults = server.Received.Skip(1).Select(r => r["messages"]!.AsArray().Last(m => m!["role"]!.GetValue<string>() == "tool")!["content"]!.ToString()).ToList();
        toolResults[0].Should().StartWith("Error:").And.Contain("outside");
        toolResults[1].Should().Be("Error: there is no tool named 'no_such_tool'.");
        toolResults[2].Should().StartWith("Error:").And.Contain("path");
    }

    [Fact]
    public async Task Ask_OutOfSteps_MakesOneLastCallWithoutTools()
    {
        await using var server = new ScriptedOpenAiServer(200);
        server.Enqueue(ScriptedReply.Call("time_now", "{}"), ScriptedReply.Call("time_now", "{}"), ScriptedReply.Answer("It is now."));
        using var services = Build([ProviderHost.Provider("main", server.Endpoint)]);

        var result = await Ask(services, "Keep checking the time.", maxSteps: 2);

        result.Answer.Should().Be("It is now.");
        result.Steps.Should().Be(3);
        server.Received[2]["tool_choice"]!.GetValue<string>().Should().Be("none");
    }

    [Fact]
    public async Task Ask_BadArgumentsAreClearErrors()
    {
        using var services = Build([ProviderHost.Provider("main", "http://127.0.0.1:9/v1")]);

        var empty = () => Ask(services, " ");
        var steps = () => Ask(services, "hi", maxSteps: 0);

        (await empty.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("empty");
        (await steps.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("maxSteps must be between 1 and 32");
    }

    [Fact]
    public async Task Ask_Cancelled_StopsTheLoop()
    {
        await using var server = new ScriptedOpenAiServer(200);
        server.Enqueue(new ScriptedReply { Delay = TimeSpan.FromSeconds(20) });
        using var services = Build([ProviderHost.Provider("main", server.Endpoint)]);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var ask = () => Ask(services, "hi", cancellationToken: cancel.Token);

        await ask.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Synthesize_AsksEachProviderInParallel_AndMergesTheirAnswers()
    {
        await using var a = new ScriptedOpenAiServer(200, "Paris.");
        a.Enqueue(ScriptedReply.Answer("Paris."), ScriptedReply.Answer("Both say Paris.\nAgreements: Paris.\nDisagreements: none."));
        await using var b = new ScriptedOpenAiServer(200, "It is Paris, France.");
        await using var down = new ScriptedOpenAiServer(503);
        using var services = Build([
            ProviderHost.Provider("a", a.Endpoint, 1), ProviderHost.Provider("b", b.Endpoint, 2), ProviderHost.Provider("down", down.Endpoint, 3),
            new() { ["Lumina:Routing:Retries:ServerError"] = "0" }]);

        var result = await services.GetRequiredService<Kernel>().InvokeAsync<SynthesisResult>("orchestration", "synthesize", new() { ["question"] = "Capital of France?" });

        result!.Answer.Should().StartWith("Both say Paris.");
        result.Answers.Select(x => (x.Provider, x.Answer)).Should().BeEquivalentTo([("a", "Paris."), ("b", "It is Paris, France."), ("down", (string?)null)]);
        result.Answers.Single(x => x.Provider == "down").Error.Should().Contain("HTTP 503");
        b.Requests.Should().Be(1, "each provider is asked once, with no fallback to the others");
        var merge = a.Received[1]["messages"]!.AsArray().Last()!["content"]!.ToString();
        merge.Should().Contain("Answer from a").And.Contain("Answer from b").And.Contain("It is Paris, France.");
    }

    [Fact]
    public async Task Synthesize_NeedsTwoProviders()
    {
        using var services = Build([ProviderHost.Provider("only", "http://127.0.0.1:9/v1")]);

        var run = () => services.GetRequiredService<Kernel>().InvokeAsync("orchestration", "synthesize", new() { ["question"] = "?" });

        (await run.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("at least two providers");
    }

    [Fact]
    public async Task Providers_ShowCapabilitiesHealthUsageAndBudgets()
    {
        await using var server = new ScriptedOpenAiServer(200, "hi");
        using var services = Build([
            ProviderHost.Provider("main", server.Endpoint, 1, ("ContextWindow", "128000"), ("InputPricePerMillion", "1")),
            new() { ["Lumina:Budgets:daily:Limit"] = "5" }]);
        await Ask(services, "hello");

        var report = (await services.GetRequiredService<Kernel>().InvokeAsync<ProvidersReport>("providers", "providers"))!;

        report.Strategy.Should().Be("priority");
        var main = report.Providers.Single();
        main.Capabilities.Should().Be(new ProviderCapabilities(true, false, true, 128000));
        main.Health.Circuit.Should().Be(Lumina.Providers.CircuitState.Closed);
        main.Usage.Calls.Should().Be(1);
        report.YourUsage.InputTokens.Should().Be(11);
        report.YourBudgets.Single().Should().BeEquivalentTo(new { Budget = "daily", Limit = 5m, Spent = 0.000011m });
    }

    private ServiceProvider Build(IEnumerable<Dictionary<string, string?>> parts, IFunctionInvocationFilter? filter = null) =>
        ProviderHost.Build([.. parts, new() { ["Lumina:Files:Roots:0"] = _root }], configure: services =>
        {
            if (filter is not null)
            {
                services.AddSingleton(filter);
            }
        });

    private static async Task<AskResult> Ask(IServiceProvider services, string message, string? conversationId = null, int maxSteps = 8, CancellationToken cancellationToken = default)
    {
        var arguments = new KernelArguments { ["message"] = message, ["maxSteps"] = maxSteps };
        if (conversationId is not null)
        {
            arguments["conversationId"] = conversationId;
        }

        return (await services.GetRequiredService<Kernel>().InvokeAsync<AskResult>("orchestration", "ask", arguments, cancellationToken))!;
    }

    private sealed class CountingFilter : IFunctionInvocationFilter
    {
        public List<string> Invoked { get; } = [];

        public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
        {
            lock (Invoked)
            {
                Invoked.Add($"{context.Function.PluginName}.{context.Function.Name}");
            }

            await next(context);
        }
    }
}
