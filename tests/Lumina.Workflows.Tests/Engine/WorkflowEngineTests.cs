using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Core.Workflows;
using Lumina.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Lumina.Workflows.Tests.Engine;

/// <summary>Every step kind run by the engine on a real kernel and the SQLite run store.</summary>
public sealed class WorkflowEngineTests : IDisposable
{
    private readonly EngineFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Steps_PassResultsOn_AndTheOutputsAreTheRun()
    {
        var run = await _fixture.RunAsync("""
            name: chain
            description: d
            inputs:
              word: { type: string }
            steps:
              - id: a
                call: t_echo
                with: { text: "${{ inputs.word }}" }
              - id: b
                call: t_echo
                with: { text: "${{ steps.a.result }}-b" }
                outputs:
                  upper: ${{ upper(result) }}
            outputs:
              last: ${{ steps.b.result }}
              upper: ${{ steps.b.outputs.upper }}
            """, new JsonObject { ["word"] = "hi" });

        run.Status.Should().Be(WorkflowRunStatus.Completed, run.Error);
        JsonNode.Parse(run.Result!)!.ToJsonString().Should().Be("""{"last":"hi-b","upper":"HI-B"}""");
        run.StepsDone.Should().Be(2);
        run.StepsTotal.Should().Be(2);
        (await _fixture.Store.ListCheckpointsAsync(run.Id)).Should().HaveCountGreaterThanOrEqualTo(3, "a checkpoint follows every superstep");
        (await _fixture.Store.ListStepsAsync(run.Id)).Select(s => s.Key).Should().Equal("a", "b");
    }

    [Fact]
    public async Task When_False_SkipsTheStep_AndTheRunGoesOn()
    {
        var run = await _fixture.RunAsync("""
            name: w
            description: d
            inputs:
              go: { type: boolean }
            steps:
              - id: a
                when: inputs.go
                call: t_echo
                with: { text: skipped-one }
              - id: b
                call: t_echo
                with: { text: "after ${{ steps.a.result }}" }
            outputs:
              b: ${{ steps.b.result }}
            """, new JsonObject { ["go"] = false });

        run.Status.Should().Be(WorkflowRunStatus.Completed, run.Error);
        _fixture.Tools.CallsOf("echo:skipped-one").Should().Be(0);
        JsonNode.Parse(run.Result!)!["b"]!.GetValue<string>().Should().Be("after ");
    }

    [Fact]
    public async Task ForEach_RunsEveryItem_KeepsTheirOrder_AndEvaluatesOutputsPerItem()
    {
        var run = await _fixture.RunAsync("""
            name: f
            description: d
            inputs:
              items: { type: array }
            steps:
              - id: each
                foreach: inputs.items
                concurrency: 3
                call: t_echo
                with: { text: "${{ index }}:${{ item }}" }
                outputs:
                  item: ${{ item }}
            outputs:
              results: ${{ steps.each.result }}
              items: ${{ steps.each.outputs[].item }}
            """, new JsonObject { ["items"] = new JsonArray("a", "b", "c", "d", "e") });

        run.Status.Should().Be(WorkflowRunStatus.Completed, run.Error);
        var result = JsonNode.Parse(run.Result!)!;
        result["results"]!.ToJsonString().Should().Be("""["0:a","1:b","2:c","3:d","4:e"]""");
        result["items"]!.ToJsonString().Should().Be("""["a","b","c","d","e"]""");
        (await _fixture.Store.ListStepsAsync(run.Id)).Select(s => s.Key).Should().Contain(["each#0", "each#4", "each"]);
    }

    [Fact]
    public async Task Parallel_RunsEveryBranch_AndTheBlockResultNamesThem()
    {
        var run = await _fixture.RunAsync("""
            name: p
            description: d
            steps:
              - id: both
                parallel:
                  - - id: left
                      call: t_echo
                      with: { text: L }
                    - id: left2
                      call: t_echo
                      with: { text: "${{ steps.left.result }}2" }
                  - - id: right
                      call: t_echo
                      with: { text: R }
              - id: after
                call: t_echo
                with: { text: "${{ steps.left2.result }}+${{ steps.right.result }}" }
            outputs:
              after: ${{ steps.after.result }}
              block: ${{ steps.both.result }}
            """);

        run.Status.Should().Be(WorkflowRunStatus.Completed, run.Error);
        var result = JsonNode.Parse(run.Result!)!;
        result["after"]!.GetValue<string>().Should().Be("L2+R");
        result["block"]!["right"]!.GetValue<string>().Should().Be("R");
        result["block"]!["left2"]!.GetValue<string>().Should().Be("L2");
        run.StepsDone.Should().Be(run.StepsTotal);
    }

    [Fact]
    public async Task Retry_OnUnavailable_TriesAgain_UntilTheToolAnswers()
    {
        var run = await _fixture.RunAsync("""
            name: r
            description: d
            steps:
              - id: a
                call: t_flaky
                with: { key: k1, times: 2 }
                retry:
                  attempts: 3
                  backoff: { initial: 10ms, multiplier: 2, max: 50ms }
                  on: [unavailable]
            outputs:
              a: ${{ steps.a.result }}
            """);

        run.Status.Should().Be(WorkflowRunStatus.Completed, run.Error);
        JsonNode.Parse(run.Result!)!["a"]!.GetValue<string>().Should().Be("k1 ok after 3");
        _fixture.Tools.CallsOf("flaky:k1").Should().Be(3);
    }

    [Fact]
    public async Task Retry_OnlyForTheKindsItNames()
    {
        var run = await _fixture.RunAsync("""
            name: r
            description: d
            steps:
              - id: a
                call: t_flaky
                with: { key: k2, times: 1 }
                retry:
                  attempts: 3
                  backoff: { initial: 10ms }
                  on: [timeout]
            """);

        run.Status.Should().Be(WorkflowRunStatus.Failed);
        run.Error.Should().Contain("Step 'a' (workflows/test.yaml:4) failed").And.Contain("k2 is unavailable");
        _fixture.Tools.CallsOf("flaky:k2").Should().Be(1);
    }

    [Fact]
    public async Task Timeout_StopsTheAttempt_AndContinue_GoesOn()
    {
        var run = await _fixture.RunAsync("""
            name: t
            description: d
            steps:
              - id: a
                call: t_slow
                with: { ms: 30000 }
                timeout: 200ms
                on_error: continue
              - id: b
                call: t_echo
                with: { text: went-on }
            outputs:
              b: ${{ steps.b.result }}
            """);

        run.Status.Should().Be(WorkflowRunStatus.Completed, run.Error);
        var a = JsonNode.Parse((await _fixture.Store.GetStepAsync(run.Id, "a"))!)!;
        a["error"]!.GetValue<string>().Should().Contain("longer than 0.2 s");
        a["result"].Should().BeNull();
    }

    [Fact]
    public async Task Fallback_RunsInPlaceOfTheFailedStep_AndNeverOnItsOwn()
    {
        var run = await _fixture.RunAsync("""
            name: fb
            description: d
            steps:
              - id: a
                call: t_flaky
                with: { key: k3, times: 5 }
                on_error: plan_b
              - id: plan_b
                call: t_echo
                with: { text: plan-b }
              - id: c
                call: t_echo
                with: { text: "got ${{ steps.a.result }}" }
            outputs:
              c: ${{ steps.c.result }}
            """);

        run.Status.Should().Be(WorkflowRunStatus.Completed, run.Error);
        JsonNode.Parse(run.Result!)!["c"]!.GetValue<string>().Should().Be("got plan-b");
        _fixture.Tools.CallsOf("echo:plan-b").Should().Be(1);
    }

    [Fact]
    public async Task Confirm_Declined_CancelsTheRun_BeforeTheStep()
    {
        var client = new AnsweringContext(EngineFixture.Caller(), ElicitationAction.Decline);
        var run = await _fixture.RunAsync("""
            name: c
            description: d
            steps:
              - id: a
                confirm: Write ${{ `"x"` }}?
                call: t_write
                with: { text: x }
            """, context: client);

        run.Status.Should().Be(WorkflowRunStatus.Cancelled);
        run.Error.Should().Contain("You declined step 'a'");
        client.Asked.Should().ContainSingle().Which.Should().Contain("Write x?");
        _fixture.Tools.CallsOf("write:x").Should().Be(0);
    }

    [Fact]
    public async Task Confirm_Accepted_RunsTheStep_AndProgressReachesTheClient()
    {
        var client = new AnsweringContext(EngineFixture.Caller(), ElicitationAction.Accept);
        var run = await _fixture.RunAsync("""
            name: c
            description: d
            steps:
              - id: a
                call: t_echo
                with: { text: first }
              - id: b
                confirm: Go on?
                call: t_write
                with: { text: y }
            """, context: client);

        run.Status.Should().Be(WorkflowRunStatus.Completed, run.Error);
        _fixture.Tools.CallsOf("write:y").Should().Be(1);
        client.Progress.Should().Equal((1, 2), (2, 2));
    }

    [Fact]
    public async Task Confirm_WithoutAClientThatCanBeAsked_FailsTheStep()
    {
        var run = await _fixture.RunAsync("""
            name: c
            description: d
            steps:
              - id: a
                confirm: Sure?
                call: t_write
                with: { text: z }
            """);

        run.Status.Should().Be(WorkflowRunStatus.Failed);
        run.Error.Should().Contain("needs your confirmation").And.Contain("cannot be asked");
        _fixture.Tools.CallsOf("write:z").Should().Be(0);
    }

    [Fact]
    public async Task AGuest_IsRefusedAtTheWriteStep_AfterTheReadStepsRan()
    {
        var run = await _fixture.RunAsync(
            """
            name: g
            description: d
            steps:
              - id: look
                call: t_echo
                with: { text: looked }
              - id: change
                call: t_write
                with: { text: guest-write }
            """,
            context: new LuminaCallContext(EngineFixture.Caller("guest")));

        run.Status.Should().Be(WorkflowRunStatus.Failed);
        run.Error.Should().Contain("Step 'change'").And.Contain("write");
        _fixture.Tools.CallsOf("echo:looked").Should().Be(1);
        _fixture.Tools.CallsOf("write:guest-write").Should().Be(0);
    }

    [Fact]
    public async Task ATool_ThatTakesAnIdempotencyKey_GetsTheRunAndStep()
    {
        var run = await _fixture.RunAsync("""
            name: k
            description: d
            steps:
              - id: a
                call: t_keyed
                with: { text: x }
            outputs:
              a: ${{ steps.a.result }}
            """);

        run.Status.Should().Be(WorkflowRunStatus.Completed, run.Error);
        JsonNode.Parse(run.Result!)!["a"]!.GetValue<string>().Should().Be($"x|{run.Id}/a");
    }

    [Fact]
    public async Task Arguments_ThatDoNotFit_AreRefused_NamingEachOne()
    {
        var definition = EngineFixture.Parse("""
            name: a
            description: d
            inputs:
              n: { type: integer }
              s: { type: string }
            steps:
              - id: a
                call: t_echo
                with: { text: x }
            """);

        var start = () => _fixture.Engine().StartAsync(definition, "", new JsonObject { ["n"] = "three", ["extra"] = 1 }, new LuminaCallContext(EngineFixture.Caller()));

        (await start.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should()
            .Contain("'extra' is not an input").And.Contain("'n' must be an integer, not a string").And.Contain("'s' is required");
    }

    [Fact]
    public async Task Cancel_StopsARunningStep_AndTheRunEndsCancelled()
    {
        var engine = _fixture.Engine();
        var handle = await engine.StartAsync(EngineFixture.Parse("""
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
        await _fixture.Tools.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var asked = await engine.CancelAsync(handle.Run.Id);
        var run = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        asked!.CancelRequested.Should().BeTrue();
        run.Status.Should().Be(WorkflowRunStatus.Cancelled);
        _fixture.Tools.CallsOf("echo:never").Should().Be(0);
    }

    [Fact]
    public async Task ARunWhoseHostDied_IsTakenOver_FromItsLastCheckpoint_AndNoFinishedStepRunsTwice()
    {
        const string Yaml = """
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

        // Host A's clock never moves, so its heartbeat never beats: to everyone else it looks dead once step b waits.
        var deadClock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        var hostA = _fixture.Engine(time: deadClock);
        var first = await hostA.StartAsync(EngineFixture.Parse(Yaml), Yaml, null, new LuminaCallContext(EngineFixture.Caller()));
        await _fixture.Tools.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var hostB = _fixture.Engine();
        var interrupted = await hostB.FindInterruptedAsync();
        interrupted.Select(r => r.Id).Should().Contain(first.Run.Id);
        var resumed = await hostB.ResumeAsync(first.Run.Id);
        _fixture.Tools.Gate.TrySetResult();
        var run = await resumed!.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        run.Status.Should().Be(WorkflowRunStatus.Completed, run.Error);
        run.Resumes.Should().Be(1);
        run.Runner.Should().Be(hostB.InstanceId);
        JsonNode.Parse(run.Result!)!["c"]!.GetValue<string>().Should().Be("after b released");
        _fixture.Tools.CallsOf("echo:once").Should().Be(1, "step a finished before the takeover");

        // Host A, released too, finds the run is no longer its own and does not go on to step c.
        var left = await first.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        left.Runner.Should().Be(hostB.InstanceId);
        _fixture.Tools.CallsOf("echo:after b released").Should().Be(1);
    }

    [Fact]
    public async Task Resume_OfARunAnotherLiveHostRuns_IsRefused_UnlessForced()
    {
        // Beats a second apart, so a busy machine cannot make the live host look dead (6 s without a beat).
        var engine = _fixture.Engine(heartbeat: TimeSpan.FromSeconds(1));
        var handle = await engine.StartAsync(EngineFixture.Parse("""
            name: live
            description: d
            steps:
              - id: a
                call: t_wait
                with: { key: live }
            """), "", null, new LuminaCallContext(EngineFixture.Caller()));
        await _fixture.Tools.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var other = _fixture.Engine(heartbeat: TimeSpan.FromSeconds(2));
        (await other.ResumeAsync(handle.Run.Id)).Should().BeNull();
        (await other.FindInterruptedAsync()).Select(r => r.Id).Should().NotContain(handle.Run.Id);
        (await engine.ResumeAsync(handle.Run.Id, force: true)).Should().BeNull("the engine running it would run it twice");

        await engine.CancelAsync(handle.Run.Id);
        var ended = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        ended.Status.Should().Be(WorkflowRunStatus.Cancelled, ended.Error);
        (await other.ResumeAsync(handle.Run.Id, force: true)).Should().BeNull("a finished run is never resumed");
    }
}
