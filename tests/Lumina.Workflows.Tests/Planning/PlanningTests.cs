using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Providers;
using Lumina.Testing;
using Lumina.Testing.Providers;
using Lumina.Workflows.Planning;
using Lumina.Workflows.Tests.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Workflows.Tests.Planning;

/// <summary>
/// plan, plan_run and plan_save on a real kernel whose model is a scripted OpenAI-compatible server over HTTP: plans
/// are checked against the caller's tools, repaired from their errors or refused with them, and run only once the
/// user agrees.
/// </summary>
public sealed class PlanningTests : IAsyncLifetime
{
    private const string ValidPlan = """
        ```yaml
        name: shout
        description: Echoes a word, then echoes it again louder.
        inputs:
          word: { type: string }
        steps:
          - id: once
            call: t_echo
            with: { text: "${{ inputs.word }}" }
          - id: twice
            call: t_echo
            with: { text: "${{ steps.once.result }}!" }
        outputs:
          said: ${{ steps.twice.result }}
        ```
        """;

    private readonly ScriptedOpenAiServer _model = new(200);
    private readonly StepTools _tools = new();
    private readonly string _saved = TestData.NewDirectory();
    private ServiceProvider _provider = null!;

    public Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lumina:DataDirectory"] = TestData.NewDirectory(),
            ["Lumina:Prompts:BuiltIn"] = "false",
            ["Lumina:Memory:Filter:Enabled"] = "false",
            ["Lumina:Providers:scripted:Kind"] = "openai",
            ["Lumina:Providers:scripted:Model"] = "planner-model",
            ["Lumina:Providers:scripted:Endpoint"] = _model.Endpoint,
            ["Lumina:Providers:scripted:ApiKey"] = "test-key",
            ["Lumina:Workflows:Examples"] = "false",
            ["Lumina:Workflows:Directories:0"] = _saved,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLumina(configuration).AddSqliteStores().AddPlugin(_tools).AddProviders(configuration).AddWorkflows(configuration);
        _provider = services.BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _model.DisposeAsync();
    }

    [Fact]
    public async Task Plan_AValidPlan_IsReturnedWithASummary_AndTheModelSawOnlyTheCallersTools()
    {
        _model.Enqueue(ScriptedReply.Answer(ValidPlan));

        var result = await CallAsync("plan", new JsonObject { ["goal"] = "say a word twice" });

        result.GetProperty("name").GetString().Should().Be("shout");
        result.GetProperty("attempts").GetInt32().Should().Be(1);
        result.GetProperty("summary").GetString().Should().Contain("1. once: t_echo(text=").And.Contain("2. twice: t_echo(");
        result.GetProperty("plan").GetString().Should().StartWith("name: shout");
        var prompt = _model.Received.Single().ToJsonString();
        prompt.Should().Contain("say a word twice").And.Contain("t_echo").And.Contain("t_write");
        prompt.Should().NotContain("plan_run", "the planner's own tools are never offered");
    }

    [Fact]
    public async Task Plan_AnInvalidPlan_IsRepairedFromItsErrors()
    {
        _model.Enqueue(ScriptedReply.Answer(ValidPlan.Replace("call: t_echo\n    with: { text: \"${{ steps.once", "call: t_ech\n    with: { text: \"${{ steps.once", StringComparison.Ordinal)), ScriptedReply.Answer(ValidPlan));

        var result = await CallAsync("plan", new JsonObject { ["goal"] = "say a word twice" });

        result.GetProperty("attempts").GetInt32().Should().Be(2);
        _model.Received.Should().HaveCount(2);
        var feedback = _model.Received[1]["messages"]!.AsArray().Last()!["content"]!.GetValue<string>();
        feedback.Should().StartWith("That plan has errors").And.Contain("plan:10: step 'twice': unknown function 't_ech' (did you mean 't_echo'?)");
    }

    [Fact]
    public async Task Plan_StillInvalidAfterTheRepairRounds_IsRefusedWithItsErrors()
    {
        const string Broken = """
            name: broken
            description: Reads a step that does not exist.
            steps:
              - id: a
                call: t_echo
                with: { text: "${{ steps.nowhere.result }}" }
            """;
        _model.Enqueue(ScriptedReply.Answer(Broken), ScriptedReply.Answer(Broken), ScriptedReply.Answer(Broken));

        var call = () => CallAsync("plan", new JsonObject { ["goal"] = "something impossible" });

        (await call.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should()
            .Contain("No valid plan after 3 tries").And.Contain("plan:6: step 'a'").And.Contain("nowhere");
        _model.Received.Should().HaveCount(3, "one plan and two repair rounds");
    }

    [Fact]
    public async Task PlanRun_Confirmed_RunsThePlan()
    {
        var client = new AnsweringContext(EngineFixture.Caller(), ElicitationAction.Accept);

        var result = await CallAsync("plan_run", new JsonObject { ["plan"] = WorkflowPlannerYaml(), ["arguments"] = new JsonObject { ["word"] = "hey" } }, client);

        result.GetProperty("said").GetString().Should().Be("hey!");
        client.Asked.Should().ContainSingle().Which.Should().StartWith("Run this plan?").And.Contain("1. once: t_echo");
    }

    [Fact]
    public async Task PlanRun_Declined_RunsNothing()
    {
        var client = new AnsweringContext(EngineFixture.Caller(), ElicitationAction.Decline);

        var call = () => CallAsync("plan_run", new JsonObject { ["plan"] = WorkflowPlannerYaml(), ["arguments"] = new JsonObject { ["word"] = "no" } }, client);

        (await call.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain("You declined the plan");
        _tools.CallsOf("echo:no").Should().Be(0);
    }

    [Fact]
    public async Task PlanRun_AnInvalidPlan_IsRefusedWithItsErrors_BeforeAnythingIsAsked()
    {
        var client = new AnsweringContext(EngineFixture.Caller(), ElicitationAction.Accept);
        var plan = WorkflowPlannerYaml().Replace("t_echo", "t_nothing", StringComparison.Ordinal);

        var call = () => CallAsync("plan_run", new JsonObject { ["plan"] = plan }, client);

        (await call.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain("The plan is not valid").And.Contain("t_nothing");
        client.Asked.Should().BeEmpty();
    }

    [Fact]
    public async Task PlanSave_ByAUser_IsForbidden_AndWritesNothing()
    {
        var call = () => CallAsync("plan_save", new JsonObject { ["plan"] = WorkflowPlannerYaml() });

        (await call.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("plan_save needs the 'manage' permission");
        File.Exists(Path.Combine(_saved, "shout.yaml")).Should().BeFalse();
    }

    [Fact]
    public async Task PlanSave_ByAnAdmin_WritesTheWorkflowFile_AndRefusesToOverwriteIt()
    {
        var admin = new AnsweringContext(new LuminaCaller("ada", "Ada", "admin", LuminaTransport.Http, true), ElicitationAction.Accept);

        var saved = await CallAsync("plan_save", new JsonObject { ["plan"] = WorkflowPlannerYaml() }, admin);
        var again = () => CallAsync("plan_save", new JsonObject { ["plan"] = WorkflowPlannerYaml() }, admin);

        saved.GetProperty("tool").GetString().Should().Be("workflow_shout");
        File.ReadAllText(Path.Combine(_saved, "shout.yaml")).Should().Be(WorkflowPlannerYaml());
        (await again.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain("exists already");
    }

    private static string WorkflowPlannerYaml() => WorkflowPlanner.Extract(ValidPlan);

    private async Task<JsonElement> CallAsync(string tool, JsonObject arguments, ILuminaCallContext? context = null)
    {
        using var _ = _provider.GetRequiredService<ILuminaCallContextAccessor>().Push(context ?? new LuminaCallContext(EngineFixture.Caller()));
        return await _provider.GetRequiredService<ILuminaTools>().CallAsync(tool, JsonSerializer.SerializeToElement(arguments));
    }
}
