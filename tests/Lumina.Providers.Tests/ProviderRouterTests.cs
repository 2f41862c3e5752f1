using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Testing;
using Lumina.Testing.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Providers.Tests;

/// <summary>The router with Semantic Kernel's OpenAI connector against scripted OpenAI-compatible servers on loopback.</summary>
public sealed class ProviderRouterTests : IDisposable
{
    private readonly string _prompts = TestData.NewDirectory();

    public ProviderRouterTests()
    {
        TestPrompts.WriteAsk(_prompts);
    }

    public void Dispose() => Directory.Delete(_prompts, recursive: true);

    [Fact]
    public async Task FirstProviderFails_TheNextAnswers_AndEachIsTriedOnce()
    {
        await using var broken = new ScriptedOpenAiServer(500);
        await using var working = new ScriptedOpenAiServer(200, "from the second provider");
        using var provider = Build(("first", broken.Endpoint, 1), ("second", working.Endpoint, 2));

        var answer = await provider.GetRequiredService<Kernel>().InvokeAsync<string>("notes", "ask", new() { ["question"] = "hi" });

        answer.Should().Be("from the second provider");
        broken.Requests.Should().Be(2, "a 5xx is retried once (Lumina:Routing:Retries), by the router, not the SDK");
        working.Requests.Should().Be(1);
    }

    [Fact]
    public async Task UnreachableProvider_FallsBack()
    {
        await using var working = new ScriptedOpenAiServer(200, "still answered");
        using var provider = Build(("down", $"http://127.0.0.1:{LoopbackHttpServer.FreePort()}/v1", 1), ("up", working.Endpoint, 2));

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        response.Text.Should().Be("still answered");
        response.AdditionalProperties!["lumina.provider"].Should().Be("up");
    }

    [Fact]
    public async Task EveryProviderFails_TheErrorNamesEachAndWhy()
    {
        await using var rateLimited = new ScriptedOpenAiServer(429);
        await using var broken = new ScriptedOpenAiServer(503);
        using var provider = Build(("a", rateLimited.Endpoint, 1), ("b", broken.Endpoint, 2));

        var ask = async () => await provider.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        (await ask.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("a: HTTP 429").And.Contain("b: HTTP 503");
    }

    [Fact]
    public async Task Priority_DecidesTheOrderNotTheConfigurationOrder()
    {
        await using var low = new ScriptedOpenAiServer(200, "low priority number");
        await using var high = new ScriptedOpenAiServer(200, "high priority number");
        using var provider = Build(("later", low.Endpoint, 5), ("sooner", high.Endpoint, 1));

        (await provider.GetRequiredService<IChatClient>().GetResponseAsync("hello")).Text.Should().Be("high priority number");
        low.Requests.Should().Be(0);
    }

    [Fact]
    public async Task Streaming_FirstProviderFailsBeforeTheFirstToken_TheNextStreams()
    {
        await using var broken = new ScriptedOpenAiServer(502);
        await using var working = new ScriptedOpenAiServer(200, "streamed from the second");
        using var provider = Build(("first", broken.Endpoint, 1), ("second", working.Endpoint, 2));

        var text = new System.Text.StringBuilder();
        await foreach (var update in provider.GetRequiredService<IChatClient>().GetStreamingResponseAsync("hello"))
        {
            text.Append(update.Text);
        }

        text.ToString().Should().Be("streamed from the second");
        broken.Requests.Should().Be(2, "one retry of the 5xx, then the next provider");
    }

    [Fact]
    public async Task Streaming_BreaksMidway_IsAClearErrorAndDoesNotSwitchProviders()
    {
        await using var flaky = new ScriptedOpenAiServer(200, "one two three four five") { BreakStreamAfter = 2 };
        await using var spare = new ScriptedOpenAiServer(200, "spare answer");
        using var provider = Build(("flaky", flaky.Endpoint, 1), ("spare", spare.Endpoint, 2));

        var received = new List<string>();
        var read = async () =>
        {
            await foreach (var update in provider.GetRequiredService<IChatClient>().GetStreamingResponseAsync("hello"))
            {
                received.Add(update.Text);
            }
        };

        (await read.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("flaky").And.Contain("broke off");
        string.Concat(received).Should().StartWith("one two", "what arrived before the break is the caller's");
        spare.Requests.Should().Be(0, "half an answer from one model is not finished by another");
    }

    [Fact]
    public void BadProviderSettings_StopTheStartNamingTheSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lumina:Providers:main:Kind"] = "telepathy",
            ["Lumina:Providers:other:Kind"] = "openai",
        }).Build();

        var add = () => new ServiceCollection().AddLumina(configuration).AddSqliteStores().AddBuiltInPlugins(configuration).AddProviders(configuration);

        add.Should().Throw<LuminaStartupException>()
            .WithMessage("*Lumina:Providers:main:Kind*").And.Message.Should().Contain("Lumina:Providers:other:Model");
    }

    private ServiceProvider Build(params (string Name, string Endpoint, int Priority)[] providers)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Lumina:DataDirectory"] = TestData.NewDirectory(),
            ["Lumina:Prompts:Directories:0"] = _prompts,
            ["Lumina:Prompts:BuiltIn"] = "false",
            ["Lumina:Memory:Filter:Enabled"] = "false",
        };
        foreach (var (name, endpoint, priority) in providers)
        {
            settings[$"Lumina:Providers:{name}:Kind"] = "openai";
            settings[$"Lumina:Providers:{name}:Model"] = "scripted-model";
            settings[$"Lumina:Providers:{name}:Endpoint"] = endpoint;
            settings[$"Lumina:Providers:{name}:ApiKey"] = "test-key";
            settings[$"Lumina:Providers:{name}:Priority"] = priority.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings[$"Lumina:Providers:{name}:Timeout"] = "00:00:10";
        }

        settings["Lumina:Routing:RetryDelay"] = "00:00:00.010";

        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        services.AddLumina(configuration).AddSqliteStores().AddBuiltInPlugins(configuration).AddProviders(configuration);
        return services.BuildServiceProvider();
    }
}
