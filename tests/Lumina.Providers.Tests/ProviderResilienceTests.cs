using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Testing.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Lumina.Providers.Tests;

/// <summary>
/// The router's Polly pipeline per provider: retries on transient failures only, the circuit breaker's failures in a
/// row, its break and its half-open trial, on a <see cref="FakeTimeProvider"/> wherever the break is waited out.
/// </summary>
public sealed class ProviderResilienceTests
{
    private static readonly Dictionary<string, string?> s_noServerErrorRetries = new()
    {
        ["Lumina:Routing:Retries:ServerError"] = "0",
        ["Lumina:Routing:FailureThreshold"] = "3",
        ["Lumina:Routing:BreakDuration"] = "00:00:30",
    };

    [Fact]
    public async Task Retry_A503ThenSuccess_TheSameProviderAnswers_AndItsCountStartsAgain()
    {
        await using var flaky = new ScriptedOpenAiServer(200, "after one retry");
        flaky.Enqueue(ScriptedReply.Fail(503));
        await using var spare = new ScriptedOpenAiServer(200, "spare");
        using var services = ProviderHost.Build([ProviderHost.Provider("flaky", flaky.Endpoint, 1), ProviderHost.Provider("spare", spare.Endpoint, 2)]);

        var response = await services.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        response.Text.Should().Be("after one retry");
        ProviderCall.From(response)!.Attempts.Should().Be(2);
        flaky.Requests.Should().Be(2);
        spare.Requests.Should().Be(0);
        var health = services.GetRequiredService<ProviderRouter>().Providers[0].Health.Snapshot(DateTimeOffset.UtcNow);
        health.Should().BeEquivalentTo(new { Circuit = CircuitState.Closed, ConsecutiveFailures = 0, Attempts = 2L, Failures = 1L, LastErrorStatus = 503 });
    }

    [Theory]
    [InlineData(401)]
    [InlineData(400)]
    [InlineData(403)]
    public async Task Retry_ANonTransientRefusal_IsNotRetried_AndTheNextProviderAnswers(int status)
    {
        await using var refusing = new ScriptedOpenAiServer(status);
        await using var spare = new ScriptedOpenAiServer(200, "spare");
        using var services = ProviderHost.Build([
            ProviderHost.Provider("refusing", refusing.Endpoint, 1), ProviderHost.Provider("spare", spare.Endpoint, 2),
            new()
            {
                ["Lumina:Routing:Retries:ServerError"] = "3",
                ["Lumina:Routing:Retries:Timeout"] = "3",
                ["Lumina:Routing:Retries:BadResponse"] = "3",
                ["Lumina:Routing:Retries:Unreachable"] = "3",
            }]);

        var response = await services.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        response.Text.Should().Be("spare");
        refusing.Requests.Should().Be(1, "a refusal is not transient, whatever the retry settings say");
        ProviderCall.From(response)!.Attempts.Should().Be(2);
        var health = services.GetRequiredService<ProviderRouter>().Providers[0].Health.Snapshot(DateTimeOffset.UtcNow);
        health.Circuit.Should().Be(CircuitState.Closed, "a refusal says nothing about the provider's health");
        health.ConsecutiveFailures.Should().Be(0);
    }

    [Fact]
    public async Task CircuitBreaker_OpensAfterThresholdFailuresInARow_AndTheRouterFallsBack()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        await using var broken = new ScriptedOpenAiServer(500);
        await using var spare = new ScriptedOpenAiServer(200, "spare");
        using var services = ProviderHost.Build(
            [ProviderHost.Provider("broken", broken.Endpoint, 1), ProviderHost.Provider("spare", spare.Endpoint, 2), s_noServerErrorRetries], clock);
        var chat = services.GetRequiredService<IChatClient>();
        var health = services.GetRequiredService<ProviderRouter>().Providers[0].Health;

        for (var i = 0; i < 3; i++)
        {
            (await chat.GetResponseAsync("hello")).Text.Should().Be("spare");
        }

        health.Snapshot(clock.GetUtcNow()).Should().BeEquivalentTo(new
        {
            Circuit = CircuitState.Open,
            OpenUntil = clock.GetUtcNow().AddSeconds(30),
            ConsecutiveFailures = 3,
        });
        var skipped = await chat.GetResponseAsync("hello");

        skipped.Text.Should().Be("spare");
        ProviderCall.From(skipped)!.Attempts.Should().Be(1, "the open circuit refuses before anything is sent");
        broken.Requests.Should().Be(3);
        spare.Requests.Should().Be(4);
    }

    [Fact]
    public async Task CircuitBreaker_ASuccessBetweenFailures_StartsTheCountAgain()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        await using var shaky = new ScriptedOpenAiServer(500);
        shaky.Enqueue(
            ScriptedReply.Fail(500), ScriptedReply.Fail(500), ScriptedReply.Answer("ok"),
            ScriptedReply.Fail(500), ScriptedReply.Fail(500));
        await using var spare = new ScriptedOpenAiServer(200, "spare");
        using var services = ProviderHost.Build(
            [ProviderHost.Provider("shaky", shaky.Endpoint, 1), ProviderHost.Provider("spare", spare.Endpoint, 2), s_noServerErrorRetries], clock);
        var chat = services.GetRequiredService<IChatClient>();
        var health = services.GetRequiredService<ProviderRouter>().Providers[0].Health;

        var answers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add((await chat.GetResponseAsync("hello")).Text);
        }

        answers.Should().Equal("spare", "spare", "ok", "spare", "spare");
        health.Snapshot(clock.GetUtcNow()).Should().BeEquivalentTo(new { Circuit = CircuitState.Closed, ConsecutiveFailures = 2 }, "two failures, a success, two failures: never three in a row");

        (await chat.GetResponseAsync("hello")).Text.Should().Be("spare");

        health.Snapshot(clock.GetUtcNow()).Circuit.Should().Be(CircuitState.Open, "the third failure in a row opens it");
        shaky.Requests.Should().Be(6);
    }

    [Fact]
    public async Task CircuitBreaker_AfterTheBreak_OneTrialGoesThrough_AndItsSuccessClosesTheCircuit()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        await using var broken = new ScriptedOpenAiServer(502);
        await using var spare = new ScriptedOpenAiServer(200, "spare");
        using var services = ProviderHost.Build(
            [ProviderHost.Provider("broken", broken.Endpoint, 1), ProviderHost.Provider("spare", spare.Endpoint, 2), s_noServerErrorRetries], clock);
        var chat = services.GetRequiredService<IChatClient>();
        var health = services.GetRequiredService<ProviderRouter>().Providers[0].Health;
        for (var i = 0; i < 3; i++)
        {
            await chat.GetResponseAsync("hello");
        }

        clock.Advance(TimeSpan.FromSeconds(29));
        (await chat.GetResponseAsync("hello")).Text.Should().Be("spare", "the break is not over");
        broken.Requests.Should().Be(3);

        clock.Advance(TimeSpan.FromSeconds(1));
        health.Snapshot(clock.GetUtcNow()).Circuit.Should().Be(CircuitState.HalfOpen, "the break is over: the next request is the trial");
        broken.Status = 200;
        broken.Answer = "healed";

        (await chat.GetResponseAsync("hello")).Text.Should().Be("healed");
        broken.Requests.Should().Be(4);
        health.Snapshot(clock.GetUtcNow()).Should().BeEquivalentTo(new { Circuit = CircuitState.Closed, ConsecutiveFailures = 0, OpenUntil = (DateTimeOffset?)null });
        (await chat.GetResponseAsync("hello")).Text.Should().Be("healed");
    }

    [Fact]
    public async Task CircuitBreaker_AFailedTrial_OpensTheCircuitForAnotherBreak()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        await using var broken = new ScriptedOpenAiServer(500);
        await using var spare = new ScriptedOpenAiServer(200, "spare");
        using var services = ProviderHost.Build(
            [ProviderHost.Provider("broken", broken.Endpoint, 1), ProviderHost.Provider("spare", spare.Endpoint, 2), s_noServerErrorRetries], clock);
        var chat = services.GetRequiredService<IChatClient>();
        var health = services.GetRequiredService<ProviderRouter>().Providers[0].Health;
        for (var i = 0; i < 3; i++)
        {
            await chat.GetResponseAsync("hello");
        }

        clock.Advance(TimeSpan.FromSeconds(30));
        (await chat.GetResponseAsync("hello")).Text.Should().Be("spare", "the trial failed");
        (await chat.GetResponseAsync("hello")).Text.Should().Be("spare");

        broken.Requests.Should().Be(4, "one trial after the break, then the circuit is open again");
        health.Snapshot(clock.GetUtcNow()).Should().BeEquivalentTo(new { Circuit = CircuitState.Open, OpenUntil = clock.GetUtcNow().AddSeconds(30) });
    }

    [Fact]
    public async Task CircuitBreaker_OnTheOnlyProvider_TheErrorSaysTheCircuitIsOpen()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        await using var broken = new ScriptedOpenAiServer(500);
        using var services = ProviderHost.Build([ProviderHost.Provider("only", broken.Endpoint), s_noServerErrorRetries], clock);
        var chat = services.GetRequiredService<IChatClient>();
        for (var i = 0; i < 3; i++)
        {
            await FluentActions.Awaiting(() => chat.GetResponseAsync("hello")).Should().ThrowAsync<ProviderUnavailableException>();
        }

        var refused = await FluentActions.Awaiting(() => chat.GetResponseAsync("hello")).Should().ThrowAsync<LuminaException>();

        refused.Which.Message.Should().Contain("only: skipped (circuit open for 30 s after 3 failures)");
        broken.Requests.Should().Be(3);
    }

    [Theory]
    [InlineData("Rejected")]
    [InlineData("RateLimited")]
    [InlineData("ContextWindowExceeded")]
    public void RetriesForAClassThatIsNotTransient_StopTheStartNamingTheSetting(string errorClass)
    {
        var build = () => ProviderHost.Build([ProviderHost.Provider("main", "http://127.0.0.1:1/v1"), new() { [$"Lumina:Routing:Retries:{errorClass}"] = "2" }]);

        build.Should().Throw<LuminaStartupException>().WithMessage($"*Lumina:Routing:Retries:{errorClass}*");
    }

    [Fact]
    public void FailureThresholdBelowTwo_StopsTheStartNamingTheSetting()
    {
        var build = () => ProviderHost.Build([ProviderHost.Provider("main", "http://127.0.0.1:1/v1"), new() { ["Lumina:Routing:FailureThreshold"] = "1" }]);

        build.Should().Throw<LuminaStartupException>().WithMessage("*Lumina:Routing:FailureThreshold must be between 2 and 1000*");
    }
}
