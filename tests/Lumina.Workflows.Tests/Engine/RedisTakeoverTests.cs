using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Core.Workflows;
using Lumina.Testing;
using Lumina.Workflows.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Lumina.Workflows.Tests.Engine;

/// <summary>
/// Two hosts — two separate kernels and engines — on one real Redis server: a run one host started and stopped beating
/// for is taken over by the other, and a cancel asked on one host ends the run the other runs.
/// </summary>
public sealed class RedisTakeoverTests : IAsyncLifetime
{
    private const string Takeover = """
        name: takeover
        description: d
        steps:
          - id: a
            call: t_echo
            with: { text: once }
          - id: b
            call: t_wait
            with: { key: b }
          - id: c
            call: t_echo
            with: { text: "after ${{ steps.b.result }}" }
        outputs:
          c: ${{ steps.c.result }}
        """;

    private readonly StepTools _tools = new();
    private RedisServer? _redis;
    private RedisEngineHost? _hostA;
    private RedisEngineHost? _hostB;

    private RedisEngineHost HostA => _hostA ?? throw new InvalidOperationException("not initialized");

    private RedisEngineHost HostB => _hostB ?? throw new InvalidOperationException("not initialized");

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _hostA = new RedisEngineHost(_redis.ConnectionString, _tools);
        _hostB = new RedisEngineHost(_redis.ConnectionString, _tools);
        HostA.Store.GetType().Name.Should().Be("RedisWorkflowRunStore", "the connection string makes AddTestStores pick Redis");
    }

    public async Task DisposeAsync()
    {
        _tools.Gate.TrySetResult();
        if (_hostA is not null)
        {
            await _hostA.DisposeAsync();
        }

        if (_hostB is not null)
        {
            await _hostB.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task ARunWhoseHostDied_IsTakenOverByASecondHost_FromItsLastCheckpoint_AndNoFinishedStepRunsTwice()
    {
        // Host A's clock never moves, so its heartbeat never beats: to host B it looks dead once step b waits.
        var deadClock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        var engineA = HostA.Engine(time: deadClock);
        var first = await engineA.StartAsync(EngineFixture.Parse(Takeover), Takeover, null, new LuminaCallContext(EngineFixture.Caller()));
        await _tools.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var engineB = HostB.Engine();
        (await engineB.FindInterruptedAsync()).Select(r => r.Id).Should().Contain(first.Run.Id, "host B reads host A's run from the shared Redis server");
        var resumed = await engineB.ResumeAsync(first.Run.Id);
        resumed.Should().NotBeNull();
        _tools.Gate.TrySetResult();
        var run = await resumed!.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        run.Status.Should().Be(WorkflowRunStatus.Completed, run.Error);
        run.Resumes.Should().Be(1);
        run.Runner.Should().Be(engineB.InstanceId);
        JsonNode.Parse(run.Result!)!["c"]!.GetValue<string>().Should().Be("after b released");
        _tools.CallsOf("echo:once").Should().Be(1, "step a finished on host A before the takeover");

        // Host A, released too, finds the run is no longer its own and does not go on to step c.
        var left = await first.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        left.Runner.Should().Be(engineB.InstanceId);
        _tools.CallsOf("echo:after b released").Should().Be(1, "step c runs on host B only");
        (await HostA.Store.ListStepsAsync(run.Id)).Select(s => s.Key).Should().BeEquivalentTo(["a", "b", "c"]);
        var stored = await HostA.Store.GetAsync(run.Id);
        stored!.Status.Should().Be(WorkflowRunStatus.Completed, "both hosts see the one record");
        stored.Runner.Should().Be(engineB.InstanceId);
    }

    [Fact]
    public async Task ACancel_AskedOnTheSecondHost_EndsTheRunTheFirstHostRuns()
    {
        var engineA = HostA.Engine(heartbeat: TimeSpan.FromMilliseconds(200));
        var handle = await engineA.StartAsync(EngineFixture.Parse("""
            name: x
            description: d
            steps:
              - id: a
                call: t_wait
                with: { key: cancel-me }
              - id: b
                call: t_echo
                with: { text: never }
            """), "", null, new LuminaCallContext(EngineFixture.Caller()));
        await _tools.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Host B judges host A alive for 3 s without a beat (A beats every 0.2 s), so it asks A rather than ending the run itself.
        var engineB = HostB.Engine(heartbeat: TimeSpan.FromSeconds(1));
        var asked = await engineB.CancelAsync(handle.Run.Id);

        asked.Should().NotBeNull();
        asked!.CancelRequested.Should().BeTrue();
        asked.Status.Should().Be(WorkflowRunStatus.Running, "host A, which runs it, ends it");
        var run = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        run.Status.Should().Be(WorkflowRunStatus.Cancelled, run.Error);
        run.Runner.Should().Be(engineA.InstanceId);
        run.Error.Should().Be("Cancelled.");
        _tools.CallsOf("echo:never").Should().Be(0);
        (await HostB.Store.GetAsync(handle.Run.Id))!.Status.Should().Be(WorkflowRunStatus.Cancelled);
    }
}

/// <summary>
/// One host on a Redis server: a real Lumina kernel (Redis stores, every filter) serving a shared <see cref="StepTools"/>,
/// and engines over its run store. Like <see cref="EngineFixture"/>, with the stores of <see cref="TestComposition.AddTestStores"/>.
/// </summary>
internal sealed class RedisEngineHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public RedisEngineHost(string redis, StepTools tools)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Lumina:DataDirectory"] = TestData.NewDirectory(),
                ["ConnectionStrings:redis"] = redis,
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLumina(configuration).AddTestStores(configuration).AddPlugin(tools);
        _provider = services.BuildServiceProvider();
    }

    public IWorkflowRunStore Store => _provider.GetRequiredService<IWorkflowRunStore>();

    public WorkflowEngine Engine(TimeSpan? heartbeat = null, TimeProvider? time = null) => new(
        Store,
        _provider.GetRequiredService<ILuminaTools>(),
        _provider.GetRequiredService<ILuminaCallContextAccessor>(),
        Options.Create(new WorkflowOptions { Heartbeat = heartbeat ?? TimeSpan.FromMilliseconds(100) }),
        time ?? TimeProvider.System,
        NullLogger<WorkflowEngine>.Instance,
        _provider.GetRequiredService<ILuminaResourceNotifier>());

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
