using System.ComponentModel;
using Lumina.Abstractions;
using Lumina.Core.Audit;
using Lumina.Core.Plugins;
using Lumina.Core.Policy;
using Lumina.Storage.Redis;
using Lumina.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tests.Policy;

/// <summary>The policy guard in-process: what a .NET program, and the tools a model calls, meet.</summary>
public sealed class PolicyFilterTests
{
    private static readonly LuminaCaller s_http = new("ada", "Ada", "user", LuminaTransport.Http, IsAuthenticated: true);

    private static ServiceProvider Build(Dictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Lumina:DataDirectory"] = TestData.NewDirectory() })
            .AddInMemoryCollection(settings ?? [])
            .Build();
        var services = new ServiceCollection();
        services.AddLumina(configuration).AddTestStores(configuration).AddBuiltInPlugins(configuration).AddProviders(configuration).AddPlugin<VaultPlugin>();
        services.AddSingleton<VaultState>();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Destructive_InProcess_RefusedNamingTheSetting_AndNothingRuns()
    {
        using var services = Build();
        var kernel = services.GetRequiredService<Kernel>();
        var vault = services.GetRequiredService<VaultState>();

        var call = async () => await kernel.InvokeAsync("vault", "shred", new() { ["name"] = "ledger" });

        (await call.Should().ThrowAsync<LuminaPolicyException>()).Which.Message.Should()
            .Be("Declined: vault_shred is destructive and needs the user's confirmation, but this client cannot ask its user (no elicitation support). Nothing was done. An administrator can allow destructive calls without confirmation with Lumina:Policy:AllowDestructiveWithoutConfirmation=true.");
        vault.Shredded.Should().BeEmpty();
    }

    [Fact]
    public async Task Destructive_AllowedByConfiguration_Runs()
    {
        using var services = Build(new() { ["Lumina:Policy:AllowDestructiveWithoutConfirmation"] = "true" });
        var kernel = services.GetRequiredService<Kernel>();

        await kernel.InvokeAsync("vault", "shred", new() { ["name"] = "ledger" });

        services.GetRequiredService<VaultState>().Shredded.Should().Equal("ledger");
    }

    [Fact]
    public async Task Destructive_ElicitingContext_AsksWithToolAndArguments()
    {
        using var services = Build();
        var kernel = services.GetRequiredService<Kernel>();
        var context = new AnsweringContext(s_http, new ElicitationResult(ElicitationAction.Accept, new Dictionary<string, System.Text.Json.JsonElement> { ["confirm"] = System.Text.Json.JsonSerializer.SerializeToElement(true) }));

        using (services.GetRequiredService<ILuminaCallContextAccessor>().Push(context))
        {
            await kernel.InvokeAsync("vault", "shred", new() { ["name"] = "ledger\nwith a very long name that goes on and on and on well past sixty characters" });
        }

        context.Asked.Should().ContainSingle().Which.Message.Should()
            .Be("Shred a record (name=ledger with a very long name that goes on and on and on well…)? vault_shred may delete or overwrite data.");
        services.GetRequiredService<VaultState>().Shredded.Should().ContainSingle();
    }

    [Fact]
    public async Task RateLimit_InnerCallsOfOneCall_AreNotCountedAgain()
    {
        var clock = new ManualWallClock(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        using var services = Build(new() { ["Lumina:Policy:RateLimit:PermitsPerMinute"] = "1", ["Lumina:Policy:RateLimit:Burst"] = "1" }, clock);
        var kernel = services.GetRequiredService<Kernel>();

        using (services.GetRequiredService<ILuminaCallContextAccessor>().Push(new LuminaCallContext(s_http)))
        {
            // "tour" calls "peek" three times through the kernel, as a model's tool calls during ask would.
            var result = await kernel.InvokeAsync<string>("vault", "tour");
            result.Should().Be("3 peeks");

            var again = async () => await kernel.InvokeAsync("vault", "peek");
            (await again.Should().ThrowAsync<LuminaPolicyException>()).Which.Message.Should()
                .Be("Forbidden: rate limit reached for 'ada' (1 calls a minute, bursts of 1); retry in 60 s.");
        }
    }

    [Fact]
    public async Task RateLimit_RedisStore_TwoHostsCountOneCaller()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = $"{redis.ConnectionString},asyncTimeout=1000,syncTimeout=1000,connectTimeout=1000",
            ["Lumina:Policy:RateLimit:PermitsPerMinute"] = "1",
            ["Lumina:Policy:RateLimit:Burst"] = "2",
        };
        using var hostA = Build(settings);
        using var hostB = Build(settings);
        hostA.GetRequiredService<IRateLimitStore>().Should().BeOfType<RedisRateLimitStore>();

        await PeekAsync(hostA);
        await PeekAsync(hostB);
        var third = async () => await PeekAsync(hostA);

        (await third.Should().ThrowAsync<LuminaPolicyException>()).Which.Message.Should().StartWith("Forbidden: rate limit reached for 'ada'");

        static async Task PeekAsync(ServiceProvider host)
        {
            using (host.GetRequiredService<ILuminaCallContextAccessor>().Push(new LuminaCallContext(s_http)))
            {
                await host.GetRequiredService<Kernel>().InvokeAsync("vault", "peek");
            }
        }
    }

    [Fact]
    public async Task RateLimit_InProcessCaller_NotLimited()
    {
        using var services = Build(new() { ["Lumina:Policy:RateLimit:PermitsPerMinute"] = "1", ["Lumina:Policy:RateLimit:Burst"] = "1" });
        var kernel = services.GetRequiredService<Kernel>();

        // A .NET program invoking its own kernel is not a remote caller to limit: five calls against a limit of one all run.
        var answers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add((await kernel.InvokeAsync("vault", "peek")).GetValue<string>()!);
        }

        answers.Should().Equal(Enumerable.Repeat("peeked", 5));
        var records = await services.GetRequiredService<IAuditLedger>().ReadRecentAsync(10);
        records.Select(r => r.Outcome).Should().Equal(Enumerable.Repeat(AuditOutcome.Ok, 5));
    }

    [Fact]
    public async Task RateLimitRefusal_IsAuditedAsDenied()
    {
        using var services = Build(new() { ["Lumina:Policy:RateLimit:PermitsPerMinute"] = "1", ["Lumina:Policy:RateLimit:Burst"] = "1" });
        var kernel = services.GetRequiredService<Kernel>();
        using (services.GetRequiredService<ILuminaCallContextAccessor>().Push(new LuminaCallContext(s_http)))
        {
            await kernel.InvokeAsync("vault", "peek");
            var again = async () => await kernel.InvokeAsync("vault", "peek");
            await again.Should().ThrowAsync<LuminaPolicyException>();
        }

        var records = await services.GetRequiredService<IAuditLedger>().ReadRecentAsync(10);
        records.Select(r => r.Outcome).Should().Equal(AuditOutcome.Ok, AuditOutcome.Denied);
    }

    [Fact]
    public async Task OversizeArgument_RefusedBeforeRunning()
    {
        using var services = Build(new() { ["Lumina:Policy:MaxArgumentBytes"] = "100", ["Lumina:Policy:AllowDestructiveWithoutConfirmation"] = "true" });
        var kernel = services.GetRequiredService<Kernel>();

        var call = async () => await kernel.InvokeAsync("vault", "shred", new() { ["name"] = new string('é', 60) });

        (await call.Should().ThrowAsync<LuminaPolicyException>()).Which.Message.Should().StartWith("Forbidden: the arguments of vault_shred are larger than 100 bytes");
        services.GetRequiredService<VaultState>().Shredded.Should().BeEmpty();
        await kernel.InvokeAsync("vault", "shred", new() { ["name"] = new string('é', 30) });
        services.GetRequiredService<VaultState>().Shredded.Should().ContainSingle("71 bytes of JSON (UTF-8, unescaped) are within the cap");
    }

    [Fact]
    public async Task OversizeStructuredResult_SerializedThenTruncated()
    {
        using var services = Build(new() { ["Lumina:Policy:MaxResultBytes"] = "1024" });
        var kernel = services.GetRequiredService<Kernel>();

        var result = await kernel.InvokeAsync("vault", "dump", new() { ["count"] = 200 });

        var text = result.GetValue<object>().Should().BeOfType<string>().Subject;
        text.Should().StartWith("{\"items\":[\"item 0\",").And.EndWith("\n[truncated: 2.1 KB, showing the first 1 KB]");
    }

    [Fact]
    public async Task SmallResult_Untouched()
    {
        using var services = Build(new() { ["Lumina:Policy:MaxResultBytes"] = "1024" });
        var kernel = services.GetRequiredService<Kernel>();

        var result = await kernel.InvokeAsync("vault", "dump", new() { ["count"] = 2 });

        result.GetValue<object>().Should().BeOfType<VaultDump>();
    }

    [Fact]
    public async Task OversizeResult_Truncated_CarriesItsCapForTypedReaders()
    {
        using var services = Build(new() { ["Lumina:Policy:MaxResultBytes"] = "1024" });
        var kernel = services.GetRequiredService<Kernel>();

        var result = await kernel.InvokeAsync("vault", "dump", new() { ["count"] = 200 });

        var cap = CappedResult.Of(result);
        cap.Should().NotBeNull("the result is no longer a VaultDump, and its readers must be able to tell");
        cap!.Action.Should().Be("truncate");
        cap.MaxBytes.Should().Be(1024);
        cap.Bytes.Should().BeGreaterThan(1024);
        cap.Uri.Should().BeNull();
        result.GetValue<object>().Should().Be(cap.Text);
        cap.Text.Should().Contain("[truncated: ");
        CappedResult.Of(await kernel.InvokeAsync("vault", "dump", new() { ["count"] = 2 })).Should().BeNull();
    }

    [Fact]
    public async Task OversizeResult_Kept_CarriesItsLink_ButPromptsAndResourcesAreTruncated()
    {
        using var services = Build(new() { ["Lumina:Policy:MaxResultBytes"] = "1024", ["Lumina:Policy:OversizeResults"] = "resource" });
        var kernel = services.GetRequiredService<Kernel>();

        FunctionResult tool, prompt, resource;
        using (services.GetRequiredService<ILuminaCallContextAccessor>().Push(new LuminaCallContext(s_http)))
        {
            tool = await kernel.InvokeAsync("vault", "dump", new() { ["count"] = 200 });
            prompt = await kernel.InvokeAsync("vault", "brief", new() { ["count"] = 200 });
            resource = await kernel.InvokeAsync("vault", "page", new() { ["count"] = 200 });
        }

        var kept = CappedResult.Of(tool)!;
        kept.Action.Should().Be("resource");
        kept.Retention.Should().Be(TimeSpan.FromMinutes(5));
        services.GetRequiredService<PolicyResultStore>().Find(s_http.Id, kept.Id!).Should().Contain("item 199");
        tool.GetValue<object>().Should().BeOfType<LuminaResult>();
        foreach (var content in new[] { prompt, resource })
        {
            CappedResult.Of(content)!.Action.Should().Be("truncate", "a prompt's messages and a resource's contents cannot be a link");
            content.GetValue<object>().Should().BeOfType<string>().Which.Should().Contain("[truncated: ");
        }
    }

    [Theory]
    [InlineData("Lumina:Policy:Risk:files.delete", "harmless", "Lumina:Policy:Risk:files.delete 'harmless' is not a risk")]
    [InlineData("Lumina:Policy:RateLimit:PermitsPerMinute", "-1", "Lumina:Policy:RateLimit:PermitsPerMinute must be 0")]
    [InlineData("Lumina:Policy:RateLimit:Burst", "0", "Lumina:Policy:RateLimit:Burst must be at least 1")]
    [InlineData("Lumina:Policy:MaxArgumentBytes", "-5", "Lumina:Policy:MaxArgumentBytes must be 0")]
    [InlineData("Lumina:Policy:MaxResultBytes", "10", "Lumina:Policy:MaxResultBytes must be 0 (no cap) or at least 1024")]
    [InlineData("Lumina:Policy:OversizeResults", "drop", "Lumina:Policy:OversizeResults 'drop' is not a choice")]
    [InlineData("Lumina:Policy:ResultRetention", "00:00:00", "Lumina:Policy:ResultRetention must be more than zero")]
    public void Options_Invalid_StartUpErrorNamesTheSetting(string key, string value, string expected)
    {
        using var services = Build(new() { [key] = value });

        var resolve = () => services.GetRequiredService<IOptions<PolicyOptions>>().Value;

        resolve.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void Risk_FromAnnotations_AndOverrides()
    {
        using var services = Build();
        var kernel = services.GetRequiredService<Kernel>();
        ToolRisks.Declared(kernel.Plugins["vault"]["shred"]).Should().Be(ToolRisk.Destructive);
        ToolRisks.Declared(kernel.Plugins["vault"]["peek"]).Should().Be(ToolRisk.ReadOnly);
        ToolRisks.Declared(kernel.Plugins["vault"]["dump"]).Should().Be(ToolRisk.Mutating, "a function that declares nothing");
        ToolRisks.Declared(kernel.Plugins["vault"]["fetch"]).Should().Be(ToolRisk.OpenWorld);
        ToolRisks.Declared(kernel.Plugins["files"]["delete"]).Should().Be(ToolRisk.Destructive);
        ToolRisks.Declared(kernel.Plugins["memory"]["forget_all"]).Should().Be(ToolRisk.Destructive);
        ToolRisks.Of(kernel.Plugins["vault"]["shred"], new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["vault"] = "read-only", ["vault.shred"] = "mutating" })
            .Should().Be(ToolRisk.Mutating, "the function's entry wins over its plugin's");
        ToolRisks.Of(kernel.Plugins["vault"]["peek"], new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["vault"] = "destructive" })
            .Should().Be(ToolRisk.Destructive);
    }

    [Theory]
    [InlineData(999, "999 bytes")]
    [InlineData(3_200_000, "3.2 MB")]
    [InlineData(1_048_576, "1 MB")]
    [InlineData(262_144, "262.1 KB")]
    public void Size_ReadableAndInvariant(long bytes, string expected) => PolicyFilter.Size(bytes).Should().Be(expected);

    [Fact]
    public void Prefix_NeverSplitsACharacter()
    {
        PolicyFilter.Prefix("aé😀b", 1).Should().Be("a");
        PolicyFilter.Prefix("aé😀b", 2).Should().Be("a");
        PolicyFilter.Prefix("aé😀b", 3).Should().Be("aé");
        PolicyFilter.Prefix("aé😀b", 6).Should().Be("aé");
        PolicyFilter.Prefix("aé😀b", 7).Should().Be("aé😀");
    }

    [Fact]
    public void ResultStore_BoundedOldestFirst_AndPerCaller()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var store = new PolicyResultStore(Options.Create(new PolicyOptions { MaxStoredResultBytes = 5000, ResultRetention = TimeSpan.FromMinutes(5) }), clock);

        var first = store.Keep("ada", new string('a', 1000)).Split('/')[^1];
        var second = store.Keep("ada", new string('b', 1000)).Split('/')[^1];

        store.Find("ada", first).Should().HaveLength(1000);
        store.Find("bob", first).Should().BeNull();
        store.Bytes.Should().Be(4000);
        // Held as UTF-16, 2,000 bytes each: a third does not fit beside both, so the oldest goes.
        var third = store.Keep("bob", new string('c', 1000)).Split('/')[^1];
        store.Find("ada", first).Should().BeNull();
        store.Find("ada", second).Should().NotBeNull();
        store.Find("bob", third).Should().NotBeNull();

        clock.Advance(TimeSpan.FromMinutes(5));
        store.Find("bob", third).Should().BeNull();
        store.Bytes.Should().Be(0);
    }
}

/// <summary>What the vault plugin did, to prove whether a call ran.</summary>
public sealed class VaultState
{
    public List<string> Shredded { get; } = [];
}

public sealed record VaultDump(IReadOnlyList<string> Items);

[LuminaPlugin("vault")]
public sealed class VaultPlugin(VaultState state)
{
    [KernelFunction("shred"), Description("Shreds a record.")]
    [LuminaTool(Title = "Shred a record", Destructive = true)]
    public void Shred(string name) => state.Shredded.Add(name);

    [KernelFunction("peek"), Description("Looks.")]
    [LuminaTool(ReadOnly = true)]
    public string Peek() => "peeked";

    [KernelFunction("fetch"), Description("Fetches from afar.")]
    [LuminaTool(OpenWorld = true)]
    public string Fetch() => "fetched";

    [KernelFunction("dump"), Description("Many items.")]
    public VaultDump Dump(int count) => new([.. Enumerable.Range(0, count).Select(i => $"item {i}")]);

    [KernelFunction("brief"), Description("A long prompt.")]
    [LuminaPrompt]
    public string Brief(int count) => string.Join('\n', Enumerable.Range(0, count).Select(i => $"line {i}"));

    [KernelFunction("page"), Description("A long resource.")]
    [LuminaResource("vault://page/{count}")]
    public string Page(int count) => string.Join('\n', Enumerable.Range(0, count).Select(i => $"line {i}"));

    [KernelFunction("tour"), Description("Peeks three times.")]
    [LuminaTool(ReadOnly = true)]
    public async Task<string> TourAsync(Kernel kernel)
    {
        for (var i = 0; i < 3; i++)
        {
            await kernel.InvokeAsync("vault", "peek");
        }

        return "3 peeks";
    }
}

/// <summary>A client that can elicit, answering every question the same way.</summary>
internal sealed class AnsweringContext(LuminaCaller caller, ElicitationResult answer)
    : LuminaCallContext(caller, new LuminaClientInfo("test", "1", CanSample: false, CanElicit: true, CanListRoots: false))
{
    public List<ElicitationRequest> Asked { get; } = [];

    public override Task<ElicitationResult> ElicitAsync(ElicitationRequest request, CancellationToken cancellationToken = default)
    {
        Asked.Add(request);
        return Task.FromResult(answer);
    }
}
