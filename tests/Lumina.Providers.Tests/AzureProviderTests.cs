using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Providers.Orchestration;
using Lumina.Testing;
using Lumina.Testing.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Providers.Tests;

/// <summary>The <c>azure</c> kind (the Azure OpenAI SDK) end to end, configured as a user would, against a scripted Azure OpenAI resource on loopback.</summary>
public sealed class AzureProviderTests : IAsyncDisposable
{
    private readonly ScriptedAzureOpenAiServer _azure = new() { Deployment = "gpt-4o-prod", ApiKey = "azure-key-Q7x2Lm9Vt4Rk8Pw3" };

    public ValueTask DisposeAsync() => _azure.DisposeAsync();

    [Fact]
    public async Task AzureKind_PlainChat_GoesToTheDeploymentWithTheApiKeyHeader_AndCountsUsageAndCost()
    {
        _azure.ReplyText("Hello from Azure.");
        using var services = Build();

        var response = await services.GetRequiredService<IChatClient>().GetResponseAsync([new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "Say hello")]);

        response.Text.Should().Be("Hello from Azure.");
        response.AdditionalProperties![RoutingHints.Provider].Should().Be("azure");
        var request = _azure.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/openai/deployments/gpt-4o-prod/chat/completions");
        request.Query["api-version"].Should().Be("2024-10-21", "the configured ApiVersion");
        request.Header("api-key").Should().Be("azure-key-Q7x2Lm9Vt4Rk8Pw3");
        request.Header("Authorization").Should().BeNull("Azure takes the key in api-key, not as a bearer token");
        request.Json["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()).Should().Equal("system", "user");
        var call = ProviderCall.From(response)!;
        call.Should().BeEquivalentTo(new
        {
            Provider = "azure",
            Model = "gpt-4o-2024-11-20",
            InputTokens = (long)ScriptedAzureOpenAiServer.PromptTokens,
            OutputTokens = (long)ScriptedAzureOpenAiServer.CompletionTokens,
            Estimated = false,
            Cost = 0.000066m,
        });
        services.GetRequiredService<UsageMeter>().ForProvider("azure").Should().Be(new UsageTotals(1, 17, 4, 0.000066m));
    }

    [Fact]
    public async Task AzureKind_WithoutApiVersion_SendsTheSdksDefault()
    {
        _azure.ReplyText("default version");
        using var services = Build(("ApiVersion", string.Empty));

        (await services.GetRequiredService<IChatClient>().GetResponseAsync("hi")).Text.Should().Be("default version");

        _azure.Requests.Single().Query["api-version"].Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task AzureKind_Streaming_TextArrivesInParts_AndItsUsageIsCounted()
    {
        _azure.StreamText("one two three");
        using var services = Build();

        var updates = await services.GetRequiredService<IChatClient>().GetStreamingResponseAsync("count").ToListAsync();

        string.Concat(updates.Select(u => u.Text)).Should().Be("one two three");
        updates.Count(u => !string.IsNullOrEmpty(u.Text)).Should().Be(3);
        _azure.Requests.Single().Json["stream"]!.GetValue<bool>().Should().BeTrue();
        var call = updates.Select(u => u.AdditionalProperties?.GetValueOrDefault(ProviderCall.PropertyName)).OfType<ProviderCall>().Single();
        call.Should().BeEquivalentTo(new { Provider = "azure", InputTokens = 17L, OutputTokens = 4L, Estimated = false });
        services.GetRequiredService<UsageMeter>().ForProvider("azure").InputTokens.Should().Be(17);
    }

    [Fact]
    public async Task AzureKind_Ask_CallsAKernelTool_AndAnswersFromItsResult()
    {
        var root = TestData.NewDirectory();
        try
        {
            File.WriteAllText(Path.Combine(root, "motto.txt"), "Lumina lights the way.\n");
            _azure.ReplyToolCall("files_read", """{"path":"motto.txt"}""");
            _azure.ReplyText("The motto is: Lumina lights the way.");
            using var services = Build(extra: new() { ["Lumina:Files:Roots:0"] = root });

            var result = (await services.GetRequiredService<Kernel>().InvokeAsync<AskResult>("orchestration", "ask", new() { ["message"] = "What is the motto?" }))!;

            result.Answer.Should().Be("The motto is: Lumina lights the way.");
            result.Provider.Should().Be("azure");
            result.ToolCalls.Should().Equal(new ToolCallSummary("files_read", false));
            _azure.Requests.Should().HaveCount(2);
            _azure.Requests[0].Json["tools"]!.ToJsonString().Should().Contain("files_read");
            var tool = _azure.Requests[1].Json["messages"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "tool")!;
            tool["tool_call_id"]!.GetValue<string>().Should().Be("call_azure_1");
            tool["content"]!.ToString().Should().Contain("Lumina lights the way.");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task AzureKind_AWrongKey_IsAClearRejectionThatDoesNotLeakTheKey()
    {
        const string Wrong = "azure-wrong-Zx81QmT4vLr2Pq7W";
        using var services = Build(("ApiKey", Wrong));

        var ask = () => services.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        var error = (await ask.Should().ThrowAsync<ProviderUnavailableException>()).Which;
        error.Message.Should().Contain("azure: HTTP 401").And.Contain("Access denied due to invalid subscription key").And.NotContain(Wrong);
        _azure.Requests.Should().ContainSingle("a refusal is not retried").Which.Header("api-key").Should().Be(Wrong);
        var health = services.GetRequiredService<ProviderRouter>().Providers.Single().Health.Snapshot(DateTimeOffset.UtcNow);
        health.Should().BeEquivalentTo(new { LastErrorKind = ProviderErrorKind.Rejected, LastErrorStatus = 401 });
        health.LastError.Should().NotContain(Wrong);
    }

    [Fact]
    public async Task AzureKind_AnErrorEchoingTheKey_ReachesNoCaller()
    {
        _azure.ReplyError(403, "Forbidden", "Key azure-key-Q7x2Lm9Vt4Rk8Pw3 is not allowed for this deployment.");
        using var services = Build();

        var ask = () => services.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        (await ask.Should().ThrowAsync<ProviderUnavailableException>()).Which.Message.Should().Contain("HTTP 403").And.NotContain("azure-key-Q7x2Lm9Vt4Rk8Pw3");
    }

    [Fact]
    public async Task AzureKind_ServerErrors_AreRetriedByTheRouterOnly_ThenAnotherKindAnswers()
    {
        _azure.ReplyError(503, "ServiceUnavailable", "The service is temporarily unavailable.", new Dictionary<string, string> { ["Retry-After"] = "0" });
        _azure.ReplyError(500, "InternalServerError", "The server had an error.");
        await using var openai = new ScriptedOpenAiServer(200, "from the openai kind");
        using var services = Build(extra: ProviderHost.Provider("spare", openai.Endpoint, 2));

        var response = await services.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        response.Text.Should().Be("from the openai kind");
        response.AdditionalProperties![RoutingHints.Provider].Should().Be("spare");
        _azure.Requests.Should().HaveCount(2, "one router retry of the 5xx and none by the SDK");
        ProviderCall.From(response)!.Attempts.Should().Be(3);
    }

    [Fact]
    public async Task AzureKind_Unreachable_FallsBackToAnotherKind()
    {
        await using var openai = new ScriptedOpenAiServer(200, "still answered");
        using var services = Build(ProviderHost.Provider("spare", openai.Endpoint, 2), ("Endpoint", $"http://127.0.0.1:{LoopbackHttpServer.FreePort()}"));

        (await services.GetRequiredService<IChatClient>().GetResponseAsync("hello")).Text.Should().Be("still answered");

        services.GetRequiredService<ProviderRouter>().Providers[0].Health.Snapshot(DateTimeOffset.UtcNow).LastErrorKind.Should().Be(ProviderErrorKind.Unreachable);
    }

    [Theory]
    [InlineData("Endpoint", "Lumina:Providers:azure:Endpoint is required for azure")]
    [InlineData("ApiKey", "Lumina:Providers:azure:ApiKey is required for azure")]
    [InlineData("Model", "Lumina:Providers:azure:Model is required: for azure, the deployment's name")]
    public void AzureKind_AMissingSetting_StopsTheStartNamingIt(string missing, string message)
    {
        var build = () => Build((missing, string.Empty));

        build.Should().Throw<LuminaStartupException>().WithMessage($"*{message}*");
    }

    [Fact]
    public void AzureKind_AnUnknownApiVersion_StopsTheStartListingTheKnownOnes()
    {
        var build = () => Build(("ApiVersion", "1999-01-01"));

        build.Should().Throw<LuminaStartupException>().WithMessage("*Lumina:Providers:azure:ApiVersion ('1999-01-01')*2024-10-21*");
    }

    private ServiceProvider Build(params (string Key, string Value)[] overrides) => Build(null, overrides);

    private ServiceProvider Build(Dictionary<string, string?>? extra, params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Lumina:Providers:azure:Kind"] = "azure",
            ["Lumina:Providers:azure:Endpoint"] = _azure.Endpoint,
            ["Lumina:Providers:azure:Model"] = _azure.Deployment,
            ["Lumina:Providers:azure:ApiKey"] = _azure.ApiKey,
            ["Lumina:Providers:azure:ApiVersion"] = "2024-10-21",
            ["Lumina:Providers:azure:Priority"] = "1",
            ["Lumina:Providers:azure:Timeout"] = "00:00:10",
            ["Lumina:Providers:azure:InputPricePerMillion"] = "2.5",
            ["Lumina:Providers:azure:OutputPricePerMillion"] = "5.875",
        };
        foreach (var (key, value) in overrides)
        {
            settings[$"Lumina:Providers:azure:{key}"] = value;
        }

        return ProviderHost.Build([settings, extra ?? []]);
    }
}
