using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Core.Audit;
using Lumina.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp.Tests;

/// <summary>
/// Every refusal over MCP is in the audit ledger once, with its kind; subscriptions are refused for URIs that name no
/// readable resource and are capped; a per-caller change reaches only that caller's subscriptions.
/// </summary>
public sealed class RefusalAndSubscriptionTests
{
    private static Task<McpHarness> StartAsAsync(string id, string role, Action<LuminaMcpOptions>? mcp = null, Action<McpClientOptions>? client = null, IDictionary<string, string?>? settings = null) =>
        McpHarness.StartAsync(client, settings, s =>
        {
            s.AddSingleton<ILuminaCallerResolver>(new Caller(id, role));
            if (mcp is not null)
            {
                s.Configure(mcp);
            }
        });

    [Fact]
    public async Task Refusals_OnEveryMcpPath_AreAuditedOnceAsDenied_WithTheirKind()
    {
        // memory.facts needs manage here, so a guest may neither read nor subscribe to it (nor complete its arguments).
        await using var harness = await StartAsAsync("gus", "guest", settings: new Dictionary<string, string?>
        {
            ["Lumina:Auth:Permissions:memory.facts"] = "manage",
            ["Lumina:Auth:Permissions:sample.item"] = "manage",
        });
        var prompt = harness.Registry.Plugins.SelectMany(p => p.Functions).First(f => f.Kind == LuminaFunctionKind.PromptTemplate);
        var promptName = $"{prompt.PluginName}_{prompt.Function.Name}";

        var call = await harness.Client.CallToolAsync("memory_remember", new Dictionary<string, object?> { ["text"] = "guests cannot write" });
        var get = async () => await harness.Client.GetPromptAsync(promptName);
        var read = async () => await harness.Client.ReadResourceAsync("memory://facts");
        var subscribe = async () => await harness.Client.SubscribeToResourceAsync("memory://facts");
        var completed = await harness.Client.CompleteAsync(new ResourceTemplateReference { Uri = "sample://items/{id}" }, "id", "al");

        call.IsError.Should().BeTrue();
        await get.Should().ThrowAsync<McpProtocolException>();
        await read.Should().ThrowAsync<McpException>();
        await subscribe.Should().ThrowAsync<McpProtocolException>();
        completed.Completion.Values.Should().BeEmpty();
        var records = await harness.Services.GetRequiredService<IAuditLedger>().ReadRecentAsync(50);
        records.Select(r => (r.Function, r.Outcome, r.ErrorKind, r.CallerId)).Should().Equal(
            ("memory_remember", AuditOutcome.Denied, "Forbidden:tools/call", "gus"),
            ("sample_item", AuditOutcome.Denied, "Forbidden:completion/complete", "gus"),
            (promptName, AuditOutcome.Denied, "Forbidden:prompts/get", "gus"),
            ("memory_facts", AuditOutcome.Denied, "Forbidden:resources/read", "gus"),
            ("memory_facts", AuditOutcome.Denied, "Forbidden:resources/subscribe", "gus"));
        records[0].ArgumentsDigest.Should().NotBe(AuditChain.DigestArguments(null), "the refused call's arguments are digested as asked");
    }

    [Fact]
    public async Task AllowedCalls_AreAuditedOnce_AndTheKernelsRefusalIsNotRecordedTwice()
    {
        await using var harness = await StartAsAsync("ada", "user");
        var kernel = harness.Registry.Kernel;
        var accessor = harness.Services.GetRequiredService<ILuminaCallContextAccessor>();

        (await harness.Client.CallToolAsync("time_now", new Dictionary<string, object?>())).IsError.Should().NotBe(true);
        using (accessor.Push(new LuminaCallContext(new LuminaCaller("gus", "Gus", "guest", LuminaTransport.InProcess, IsAuthenticated: true))))
        {
            var refused = async () => await kernel.InvokeAsync("memory", "remember", new() { ["text"] = "x" });
            await refused.Should().ThrowAsync<LuminaForbiddenException>();
        }

        var records = await harness.Services.GetRequiredService<IAuditLedger>().ReadRecentAsync(50);
        records.Select(r => (r.Function, r.Outcome, r.ErrorKind)).Should().Equal(
            ("time_now", AuditOutcome.Ok, null),
            ("memory_remember", AuditOutcome.Denied, "Forbidden:invoke"));
    }

    [Fact]
    public async Task Subscribe_ToAUriNoResourceMatches_IsRefused_AndNothingIsStored()
    {
        await using var harness = await StartAsAsync("ada", "user");

        var subscribe = async () => await harness.Client.SubscribeToResourceAsync("made-up://nothing/here");

        (await subscribe.Should().ThrowAsync<McpProtocolException>()).Which.Message.Should().Contain("No resource matches 'made-up://nothing/here'");
        harness.Services.GetRequiredService<ResourceSubscriptions>().Count.Should().Be(0);
    }

    [Fact]
    public async Task Subscribe_ToAnOverlongUri_IsRefusedBeforeAnythingIsStored()
    {
        await using var harness = await StartAsAsync("ada", "user", o => o.MaxResourceUriLength = 64);
        var uri = "sample://items/" + new string('a', 100);

        var subscribe = async () => await harness.Client.SubscribeToResourceAsync(uri);

        (await subscribe.Should().ThrowAsync<McpProtocolException>()).Which.Message.Should().Contain("at most 64 are accepted (Lumina:Mcp:MaxResourceUriLength)");
        harness.Services.GetRequiredService<ResourceSubscriptions>().Count.Should().Be(0);
        await harness.Client.SubscribeToResourceAsync("sample://items/" + new string('a', 40));
        harness.Services.GetRequiredService<ResourceSubscriptions>().Count.Should().Be(1);
    }

    [Fact]
    public async Task Subscribe_BeyondTheSessionsCap_IsRefused_UntilOneIsDropped()
    {
        await using var harness = await StartAsAsync("ada", "user", o => o.MaxSubscriptionsPerSession = 3);
        var subscriptions = harness.Services.GetRequiredService<ResourceSubscriptions>();
        for (var i = 0; i < 3; i++)
        {
            await harness.Client.SubscribeToResourceAsync($"sample://items/{i}");
        }

        var fourth = async () => await harness.Client.SubscribeToResourceAsync("sample://items/3");

        (await fourth.Should().ThrowAsync<McpProtocolException>()).Which.Message.Should().Contain("already holds 3 resource subscriptions").And.Contain("Lumina:Mcp:MaxSubscriptionsPerSession");
        await harness.Client.SubscribeToResourceAsync("sample://items/1");
        subscriptions.Count.Should().Be(3, "subscribing again to the same URI holds nothing more");
        await harness.Client.UnsubscribeFromResourceAsync("sample://items/0");
        await harness.Client.SubscribeToResourceAsync("sample://items/3");
        subscriptions.Count.Should().Be(3);
    }

    [Fact]
    public async Task PerCallerChange_ReachesOnlyThatCallersSubscriptions()
    {
        var updates = System.Threading.Channels.Channel.CreateUnbounded<string>();
        await using var harness = await StartAsAsync("bob", "user", client: o => o.Handlers.NotificationHandlers =
        [
            new(NotificationMethods.ResourceUpdatedNotification, (n, _) =>
            {
                updates.Writer.TryWrite(System.Text.Json.JsonSerializer.Deserialize<ResourceUpdatedNotificationParams>(n.Params)!.Uri);
                return ValueTask.CompletedTask;
            }),
        ]);
        var hub = harness.Services.GetRequiredService<LuminaResourceChangeHub>();
        await harness.Client.SubscribeToResourceAsync("memory://facts");
        await harness.Client.SubscribeToResourceAsync("sample://note");

        // Alice's facts change, then a resource everyone shares, then Bob's facts. The client handles notifications
        // concurrently, so what Bob heard is compared as a whole once the last one came and a ping went round.
        await hub.NotifyCallerUpdatedAsync("memory://facts", "alice");
        await hub.NotifyUpdatedAsync("sample://note");
        await hub.NotifyCallerUpdatedAsync("memory://facts", "bob");
        List<string> heard = [];
        while (!(heard.Contains("sample://note") && heard.Contains("memory://facts")))
        {
            heard.Add(await updates.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        }

        await harness.Client.PingAsync();
        while (updates.Reader.TryRead(out var late))
        {
            heard.Add(late);
        }

        heard.Should().BeEquivalentTo(["sample://note", "memory://facts"], "Alice's change is not Bob's to hear");
    }

    [Theory]
    [InlineData(0, 100, 2048, "MaxSubscriptionsPerSession must be at least 1")]
    [InlineData(100, 10, 2048, "MaxSubscriptions (10) must be at least")]
    [InlineData(100, 10000, 8, "MaxResourceUriLength must be between")]
    public void BadLimits_AreRefusedNamingTheSetting(int perSession, int total, int uriLength, string message)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMcpServer().WithLumina(o =>
        {
            o.MaxSubscriptionsPerSession = perSession;
            o.MaxSubscriptions = total;
            o.MaxResourceUriLength = uriLength;
        });
        using var provider = services.BuildServiceProvider();

        var resolve = () => provider.GetRequiredService<IOptions<LuminaMcpOptions>>().Value;

        resolve.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain(message);
    }

    private sealed class Caller(string id, string role) : ILuminaCallerResolver
    {
        public LuminaCaller Resolve(JsonRpcRequest request) => new(id, id, role, LuminaTransport.Http, IsAuthenticated: true);
    }
}
