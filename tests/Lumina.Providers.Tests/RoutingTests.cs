using Lumina.Abstractions;
using Lumina.Testing.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Providers.Tests;

/// <summary>Strategies, retries, Retry-After, circuit breaking, capability and context-window routing, usage and cost.</summary>
public sealed class RoutingTests
{

    [Fact]
    public async Task ServerError_IsRetriedWithBackoff_ThenTheNextProviderAnswers()
    {
        await using var flaky = new ScriptedOpenAiServer(200, "first answered");
        flaky.Enqueue(ScriptedReply.Fail(500));
        await using var spare = new ScriptedOpenAiServer(200, "spare");
        using var services = ProviderHost.Build([ProviderHost.Provider("flaky", flaky.Endpoint, 1), ProviderHost.Provider("spare", spare.Endpoint, 2)]);

        var response = await services.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        response.Text.Should().Be("first answered", "one 5xx is retried on the same provider");
        ProviderCall.From(response)!.Attempts.Should().Be(2);
        spare.Requests.Should().Be(0);
    }

    [Fact]
    public async Task Retries_AreConfiguredPerErrorClass()
    {
        await using var broken = new ScriptedOpenAiServer(503);
        await using var spare = new ScriptedOpenAiServer(200, "spare");
        using var services = ProviderHost.Build([
            ProviderHost.Provider("broken", broken.Endpoint, 1), ProviderHost.Provider("spare", spare.Endpoint, 2),
            new() { ["Lumina:Routing:Retries:ServerError"] = "3", ["Lumina:Routing:FailureThreshold"] = "10" }]);

        (await services.GetRequiredService<IChatClient>().GetResponseAsync("hello")).Text.Should().Be("spare");

        broken.Requests.Should().Be(4);
    }

    [Fact]
    public async Task RateLimit_CoolsTheProviderDownForItsRetryAfter_AndTheNextOneAnswers()
    {
        await using var limited = new ScriptedOpenAiServer(200, "limited answered");
        limited.Enqueue(ScriptedReply.Fail(429, retryAfter: "120"));
        await using var spare = new ScriptedOpenAiServer(200, "spare");
        using var services = ProviderHost.Build([ProviderHost.Provider("limited", limited.Endpoint, 1), ProviderHost.Provider("spare", spare.Endpoint, 2)]);
        var chat = services.GetRequiredService<IChatClient>();

        (await chat.GetResponseAsync("one")).Text.Should().Be("spare");
        (await chat.GetResponseAsync("two")).Text.Should().Be("spare", "the provider asked for 120 s of rest");

        limited.Requests.Should().Be(1, "a 429 is not retried in place and the cooling provider is not asked again");
        var health = services.GetRequiredService<ProviderRouter>().Providers.Single(p => p.Name == "limited").Health.Snapshot(DateTimeOffset.UtcNow);
        health.RateLimitedUntil.Should().BeCloseTo(DateTimeOffset.UtcNow.AddSeconds(120), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task RateLimit_OnTheOnlyProvider_WaitsForRetryAfterWhenItIsShort()
    {
        await using var limited = new ScriptedOpenAiServer(200, "after the wait");
        limited.Enqueue(ScriptedReply.Fail(429, retryAfter: "1"));
        using var services = ProviderHost.Build([ProviderHost.Provider("only", limited.Endpoint)]);

        var response = await services.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        response.Text.Should().Be("after the wait");
        limited.Requests.Should().Be(2);
    }

    [Fact]
    public async Task RateLimit_LongerThanTheWaitLimit_IsAnErrorThatSaysSo()
    {
        await using var limited = new ScriptedOpenAiServer(200);
        limited.Enqueue(ScriptedReply.Fail(429, retryAfter: "600"));
        using var services = ProviderHost.Build([ProviderHost.Provider("only", limited.Endpoint)]);

        var ask = () => services.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        (await ask.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("only: HTTP 429 rate limited (retry after 600 s)");
    }

    [Fact]
    public async Task CircuitBreaker_OpensAfterRepeatedFailures_AndLetsOneTrialThroughAfterTheBreak()
    {
        var clock = new ManualClock();
        await using var broken = new ScriptedOpenAiServer(500);
        await using var spare = new ScriptedOpenAiServer(200, "spare");
        using var services = ProviderHost.Build(
            [ProviderHost.Provider("broken", broken.Endpoint, 1), ProviderHost.Provider("spare", spare.Endpoint, 2),
             new() { ["Lumina:Routing:Retries:ServerError"] = "0", ["Lumina:Routing:FailureThreshold"] = "2", ["Lumina:Routing:BreakDuration"] = "00:01:00" }],
            clock);
        var chat = services.GetRequiredService<IChatClient>();
        var router = services.GetRequiredService<ProviderRouter>();

        for (var i = 0; i < 4; i++)
        {
            (await chat.GetResponseAsync("hello")).Text.Should().Be("spare");
        }

        broken.Requests.Should().Be(2, "after two failures in a row the circuit opens and the provider is skipped");
        router.Providers[0].Health.Snapshot(clock.GetUtcNow()).Circuit.Should().Be(CircuitState.Open);

        clock.Advance(TimeSpan.FromMinutes(1));
        broken.Status = 200;
        broken.Answer = "healed";
        (await chat.GetResponseAsync("hello")).Text.Should().Be("healed", "after the break one trial goes through");
        router.Providers[0].Health.Snapshot(clock.GetUtcNow()).Circuit.Should().Be(CircuitState.Closed);
    }

    [Fact]
    public async Task Timeout_MovesOn_AndTheErrorSaysTimedOut()
    {
        await using var slow = new ScriptedOpenAiServer(200, "too late");
        slow.Enqueue(new ScriptedReply { Delay = TimeSpan.FromSeconds(5), Text = "too late" });
        await using var spare = new ScriptedOpenAiServer(200, "in time");
        using var services = ProviderHost.Build([ProviderHost.Provider("slow", slow.Endpoint, 1, ("Timeout", "00:00:00.300")), ProviderHost.Provider("spare", spare.Endpoint, 2)]);

        var response = await services.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        response.Text.Should().Be("in time");
        services.GetRequiredService<ProviderRouter>().Providers[0].Health.Snapshot(DateTimeOffset.UtcNow).LastError.Should().Be("timed out");
    }

    [Fact]
    public async Task MalformedBody_IsABadResponse_RetriedThenRoutedAround()
    {
        await using var garbled = new ScriptedOpenAiServer(200);
        garbled.Enqueue(new ScriptedReply { Malformed = true }, new ScriptedReply { Malformed = true });
        await using var spare = new ScriptedOpenAiServer(200, "readable");
        using var services = ProviderHost.Build([ProviderHost.Provider("garbled", garbled.Endpoint, 1), ProviderHost.Provider("spare", spare.Endpoint, 2)]);

        (await services.GetRequiredService<IChatClient>().GetResponseAsync("hello")).Text.Should().Be("readable");

        garbled.Requests.Should().Be(2);
        services.GetRequiredService<ProviderRouter>().Providers[0].Health.Snapshot(DateTimeOffset.UtcNow).LastError.Should().StartWith("unreadable answer");
    }

    [Fact]
    public async Task ContextWindowExceeded_GoesToAProviderWithALargerWindow()
    {
        await using var small = new ScriptedOpenAiServer(200);
        small.Enqueue(ScriptedReply.Fail(400, message: "This model's maximum context length is 8192 tokens."));
        await using var same = new ScriptedOpenAiServer(200, "same size");
        await using var large = new ScriptedOpenAiServer(200, "large window");
        using var services = ProviderHost.Build([
            ProviderHost.Provider("small", small.Endpoint, 1, ("ContextWindow", "8192")),
            ProviderHost.Provider("same", same.Endpoint, 2, ("ContextWindow", "8192")),
            ProviderHost.Provider("large", large.Endpoint, 3, ("ContextWindow", "200000"))]);

        (await services.GetRequiredService<IChatClient>().GetResponseAsync("hello")).Text.Should().Be("large window");

        small.Requests.Should().Be(1, "a context-window error is not retried");
        same.Requests.Should().Be(0, "a provider with the same window would refuse too");
    }

    [Fact]
    public async Task ARequestLargerThanAWindow_SkipsThatProviderWithoutAsking()
    {
        await using var small = new ScriptedOpenAiServer(200, "small");
        await using var large = new ScriptedOpenAiServer(200, "large");
        using var services = ProviderHost.Build([
            ProviderHost.Provider("small", small.Endpoint, 1, ("ContextWindow", "1000")),
            ProviderHost.Provider("large", large.Endpoint, 2, ("ContextWindow", "200000"))]);

        var response = await services.GetRequiredService<IChatClient>().GetResponseAsync(string.Join(' ', Enumerable.Repeat("word", 2_000)));

        response.Text.Should().Be("large");
        small.Requests.Should().Be(0);
    }

    [Fact]
    public async Task ARequestWithTools_NeverGoesToAProviderWithoutToolCalling()
    {
        await using var plain = new ScriptedOpenAiServer(200, "plain");
        await using var capable = new ScriptedOpenAiServer(200, "capable");
        using var services = ProviderHost.Build([
            ProviderHost.Provider("plain", plain.Endpoint, 1, ("SupportsTools", "false")),
            ProviderHost.Provider("capable", capable.Endpoint, 2)]);
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => "x", "tool")] };

        (await services.GetRequiredService<IChatClient>().GetResponseAsync("hello", options)).Text.Should().Be("capable");
        (await services.GetRequiredService<IChatClient>().GetResponseAsync("hello")).Text.Should().Be("plain");

        plain.Requests.Should().Be(1);
    }

    [Fact]
    public async Task Cheapest_PicksTheLowestEstimatedCost_WhateverThePriority()
    {
        await using var dear = new ScriptedOpenAiServer(200, "dear");
        await using var cheap = new ScriptedOpenAiServer(200, "cheap");
        using var services = ProviderHost.Build([
            ProviderHost.Provider("dear", dear.Endpoint, 1, ("InputPricePerMillion", "10"), ("OutputPricePerMillion", "30")),
            ProviderHost.Provider("cheap", cheap.Endpoint, 2, ("InputPricePerMillion", "0.15"), ("OutputPricePerMillion", "0.6")),
            new() { ["Lumina:Routing:Strategy"] = "cheapest" }]);

        (await services.GetRequiredService<IChatClient>().GetResponseAsync("hello")).Text.Should().Be("cheap");
    }

    [Fact]
    public async Task WeightedRoundRobin_SharesRequestsByWeight()
    {
        await using var heavy = new ScriptedOpenAiServer(200, "heavy");
        await using var light = new ScriptedOpenAiServer(200, "light");
        using var services = ProviderHost.Build([
            ProviderHost.Provider("heavy", heavy.Endpoint, 1, ("Weight", "3")),
            ProviderHost.Provider("light", light.Endpoint, 2, ("Weight", "1")),
            new() { ["Lumina:Routing:Strategy"] = "round-robin" }]);

        for (var i = 0; i < 8; i++)
        {
            await services.GetRequiredService<IChatClient>().GetResponseAsync("hello");
        }

        heavy.Requests.Should().Be(6);
        light.Requests.Should().Be(2);
    }

    [Fact]
    public async Task LowestLatency_MeasuresEveryProvider_ThenPrefersTheFastest()
    {
        await using var slow = new ScriptedOpenAiServer(200, "slow");
        await using var fast = new ScriptedOpenAiServer(200, "fast");
        using var services = ProviderHost.Build([
            ProviderHost.Provider("slow", slow.Endpoint, 1),
            ProviderHost.Provider("fast", fast.Endpoint, 2),
            new() { ["Lumina:Routing:Strategy"] = "latency" }]);
        var chat = services.GetRequiredService<IChatClient>();
        slow.Enqueue(new ScriptedReply { Text = "slow", Delay = TimeSpan.FromMilliseconds(600) });

        var first = (await chat.GetResponseAsync("hello")).Text;
        var second = (await chat.GetResponseAsync("hello")).Text;
        var next = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            next.Add((await chat.GetResponseAsync("hello")).Text);
        }

        first.Should().Be("slow", "unmeasured providers go first, in priority order");
        second.Should().Be("fast", "the one not yet measured is tried next");
        next.Should().AllBe("fast");
    }

    [Fact]
    public async Task AProviderHint_GoesFirst_AndAnUnknownHintIsAClearError()
    {
        await using var a = new ScriptedOpenAiServer(200, "a");
        await using var b = new ScriptedOpenAiServer(200, "b");
        using var services = ProviderHost.Build([ProviderHost.Provider("a", a.Endpoint, 1), ProviderHost.Provider("b", b.Endpoint, 2)]);
        var chat = services.GetRequiredService<IChatClient>();

        (await chat.GetResponseAsync("hi", new ChatOptions { AdditionalProperties = new() { [RoutingHints.Provider] = "b-model" } })).Text.Should().Be("b");
        var unknown = () => chat.GetResponseAsync("hi", new ChatOptions { AdditionalProperties = new() { [RoutingHints.Provider] = "c" } });

        (await unknown.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("No provider is named 'c'").And.Contain("a (a-model)");
        b.Received.Single()["model"]!.GetValue<string>().Should().Be("b-model");
    }

    [Fact]
    public async Task UsageAndCost_AreCountedPerCallPerProviderAndPerCaller()
    {
        await using var server = new ScriptedOpenAiServer(200, "answer");
        using var services = ProviderHost.Build([ProviderHost.Provider("main", server.Endpoint, 1, ("InputPricePerMillion", "2"), ("OutputPricePerMillion", "8"))]);

        var response = await services.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        var call = ProviderCall.From(response)!;
        call.Should().BeEquivalentTo(new { Provider = "main", InputTokens = 11L, OutputTokens = 3L, Estimated = false, Cost = 0.000046m });
        var meter = services.GetRequiredService<UsageMeter>();
        meter.ForProvider("main").Should().Be(new UsageTotals(1, 11, 3, 0.000046m));
        meter.ForCaller(LuminaCaller.InProcess.Id).Cost.Should().Be(0.000046m);
    }

    [Fact]
    public async Task Usage_IsEstimatedWhenTheProviderReportsNone_AndCountedForStreams()
    {
        await using var server = new ScriptedOpenAiServer(200, "four words of answer");
        server.Enqueue(new ScriptedReply { Text = "four words of answer", NoUsage = true });
        using var services = ProviderHost.Build([ProviderHost.Provider("main", server.Endpoint, 1, ("InputPricePerMillion", "1"), ("OutputPricePerMillion", "1"))]);
        var chat = services.GetRequiredService<IChatClient>();

        var call = ProviderCall.From(await chat.GetResponseAsync("hello there"))!;
        await foreach (var update in chat.GetStreamingResponseAsync("hello"))
        {
            update.Should().NotBeNull();
        }

        call.Estimated.Should().BeTrue();
        call.InputTokens.Should().BePositive();
        call.OutputTokens.Should().BePositive();
        services.GetRequiredService<UsageMeter>().ForProvider("main").Calls.Should().Be(2);
        services.GetRequiredService<UsageMeter>().ForProvider("main").InputTokens.Should().Be(call.InputTokens + 11, "the stream reported its usage");
    }

    [Fact]
    public async Task KillingTheFirstProviderMidRun_MovesTrafficToTheSecond_WithNoFailedCall()
    {
        var first = new ScriptedOpenAiServer(200, "first");
        await using var second = new ScriptedOpenAiServer(200, "second");
        using var services = ProviderHost.Build([ProviderHost.Provider("first", first.Endpoint, 1), ProviderHost.Provider("second", second.Endpoint, 2)]);
        var chat = services.GetRequiredService<IChatClient>();
        var answers = new List<string>();

        for (var i = 0; i < 10; i++)
        {
            if (i == 4)
            {
                await first.DisposeAsync();
            }

            answers.Add((await chat.GetResponseAsync($"call {i}")).Text);
        }

        answers.Take(4).Should().AllBe("first");
        answers.Skip(4).Should().AllBe("second");
    }
}
