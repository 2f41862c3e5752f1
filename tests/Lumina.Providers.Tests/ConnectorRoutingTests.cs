using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Testing;
using Lumina.Testing.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Providers.Tests;

/// <summary>The <c>anthropic</c> and <c>ollama</c> kinds configured through <c>AddLumina</c>, behind the router.</summary>
public sealed class ConnectorRoutingTests : IAsyncDisposable
{
    private readonly ScriptedAnthropicServer _anthropic = new();
    private readonly ScriptedOllamaServer _ollama = new();

    public async ValueTask DisposeAsync()
    {
        await _anthropic.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    [Fact]
    public async Task AnthropicFails_OllamaAnswers()
    {
        _anthropic.ReplyError(500, "api_error", "Internal server error");
        _ollama.ReplyText("answered by llama");
        using var provider = Build();

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        response.Text.Should().Be("answered by llama");
        response.AdditionalProperties!["lumina.provider"].Should().Be("local");
        response.Usage!.InputTokenCount.Should().Be(ScriptedOllamaServer.PromptTokens);
        _anthropic.Requests.Should().ContainSingle("the router moves on; neither it nor the SDK retried the 500 here");
        _ollama.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Streaming_AnthropicFailsBeforeTheFirstToken_OllamaStreams()
    {
        _anthropic.ReplyError(529, "overloaded_error", "Overloaded");
        _ollama.StreamText("streamed by llama");
        using var provider = Build();

        var text = new System.Text.StringBuilder();
        await foreach (var update in provider.GetRequiredService<IChatClient>().GetStreamingResponseAsync("hello"))
        {
            text.Append(update.Text);
        }

        text.ToString().Should().Be("streamed by llama");
        _anthropic.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Anthropic_Answers_WhenItIsUp()
    {
        _anthropic.ReplyText("answered by claude");
        using var provider = Build();

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        response.Text.Should().Be("answered by claude");
        response.AdditionalProperties!["lumina.provider"].Should().Be("claude");
        _ollama.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData(429, "rate_limit_error", "Number of requests has exceeded your rate limit", ProviderErrorKind.RateLimited)]
    [InlineData(529, "overloaded_error", "Overloaded", ProviderErrorKind.ServerError)]
    [InlineData(400, "invalid_request_error", "prompt is too long: 212345 tokens > 200000 maximum", ProviderErrorKind.ContextWindowExceeded)]
    [InlineData(401, "authentication_error", "invalid x-api-key", ProviderErrorKind.Rejected)]
    public async Task AnthropicErrorStatuses_AreClassifiedForRouting_WithTheirRetryAfter(int status, string type, string message, ProviderErrorKind kind)
    {
        _anthropic.ReplyError(status, type, message, retryAfterSeconds: 7);
        using var provider = Build();

        var failure = ProviderFailure.Classify(await FailureOf(provider.GetRequiredKeyedService<IChatClient>("claude")), timedOut: false);

        failure!.Kind.Should().Be(kind);
        failure.Status.Should().Be(status);
        failure.Detail.Should().Contain(message);
        if (kind is ProviderErrorKind.RateLimited or ProviderErrorKind.ServerError)
        {
            failure.RetryAfter.Should().Be(TimeSpan.FromSeconds(7), "the SDK drops the header; the connector keeps it");
        }
    }

    [Fact]
    public async Task OllamaTransportFailures_AreClassifiedForRouting()
    {
        _ollama.EnqueueRaw(200, "{\"model\":");
        using var provider = Build();

        ProviderFailure.Classify(await FailureOf(provider.GetRequiredKeyedService<IChatClient>("local")), timedOut: false)!.Kind.Should().Be(ProviderErrorKind.BadResponse);

        using var refused = new OllamaOnly($"http://127.0.0.1:{LoopbackHttpServer.FreePort()}");
        ProviderFailure.Classify(await FailureOf(refused.Client), timedOut: false)!.Kind.Should().Be(ProviderErrorKind.Unreachable);
    }

    [Fact]
    public void EachProvider_IsAKeyedConnectorOfItsKind_AndDescribed()
    {
        using var provider = Build();

        provider.GetRequiredKeyedService<IChatClient>("claude").Should().BeOfType<ConnectorChatClient>().Which.Kind.Should().Be("anthropic");
        provider.GetRequiredKeyedService<IChatClient>("local").Should().BeOfType<ConnectorChatClient>().Which.Kind.Should().Be("ollama");
        provider.GetRequiredKeyedService<IChatClient>("claude").GetService<ChatClientMetadata>()!.DefaultModelId.Should().Be("claude-test");
        provider.GetServices<LuminaProviderDescription>().Select(d => (d.Name, d.Kind)).Should().Contain([("claude", "anthropic"), ("local", "ollama")]);
    }

    [Fact]
    public void Anthropic_WithoutAKeyForAnthropicsOwnApi_StopsTheStartNamingTheSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lumina:Providers:claude:Kind"] = "anthropic",
            ["Lumina:Providers:claude:Model"] = "claude-sonnet-4-5",
        }).Build();

        var add = () => new ServiceCollection().AddLumina(configuration).AddSqliteStores().AddBuiltInPlugins(configuration).AddProviders(configuration);

        add.Should().Throw<LuminaStartupException>().WithMessage("*Lumina:Providers:claude:ApiKey*");
    }

    private static async Task<Exception> FailureOf(IChatClient client)
    {
        try
        {
            await client.GetResponseAsync("hello");
        }
        catch (Exception ex)
        {
            return ex;
        }

        throw new Xunit.Sdk.XunitException("The call was expected to fail, and it succeeded.");
    }

    private ServiceProvider Build()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Lumina:DataDirectory"] = TestData.NewDirectory(),
            ["Lumina:Prompts:BuiltIn"] = "false",
            ["Lumina:Memory:Filter:Enabled"] = "false",
            // No retry in place, so each test sees exactly the attempts the router and the SDKs make without it.
            ["Lumina:Routing:Retries:ServerError"] = "0",
            ["Lumina:Providers:claude:Kind"] = "anthropic",
            ["Lumina:Providers:claude:Model"] = "claude-test",
            ["Lumina:Providers:claude:Endpoint"] = _anthropic.Endpoint,
            ["Lumina:Providers:claude:ApiKey"] = "test-key",
            ["Lumina:Providers:claude:Priority"] = "1",
            ["Lumina:Providers:claude:Timeout"] = "00:00:30",
            ["Lumina:Providers:local:Kind"] = "ollama",
            ["Lumina:Providers:local:Model"] = "llama-test",
            ["Lumina:Providers:local:Endpoint"] = _ollama.Endpoint,
            ["Lumina:Providers:local:Priority"] = "2",
            ["Lumina:Providers:local:Timeout"] = "00:00:30",
        };
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        services.AddLumina(configuration).AddSqliteStores().AddBuiltInPlugins(configuration).AddProviders(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>An Ollama connector on its own, for an endpoint nothing listens on.</summary>
    private sealed class OllamaOnly(string endpoint) : IDisposable
    {
        public IChatClient Client { get; } = ProviderClients.CreateOllama(new ProviderOptions { Kind = "ollama", Model = "llama-test", Endpoint = endpoint }, TimeProvider.System);

        public void Dispose() => Client.Dispose();
    }
}
