using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Core.Plugins;
using Lumina.Core.Workflows;
using Lumina.Testing;
using Lumina.Workflows.Engine;
using Lumina.Workflows.Serving;
using Lumina.Workflows.Tests.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Workflows.Tests.Serving;

/// <summary>
/// The catalog service on a real kernel (SQLite stores, every filter): workflow files in a folder served as
/// <c>workflow_&lt;name&gt;</c>, checked against the served tools, read again when the folder changes, shown to the callers
/// who may use their steps; and the <c>workflows</c> plugin that lists, reads and cancels a caller's own runs.
/// </summary>
public sealed class WorkflowCatalogServiceTests : IAsyncLifetime
{
    private const string Greet = """
        name: greet
        description: Greets someone.
        inputs:
          word: { type: string, description: Who to greet. }
          times: { type: integer, default: 1 }
        steps:
          - id: a
            call: t_echo
            with: { text: "hello ${{ inputs.word }}" }
        outputs:
          said: ${{ steps.a.result }}
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("lumina-workflow-files-").FullName;
    private readonly StepTools _tools = new();
    private ServiceProvider? _provider;
    private WorkflowCatalogService? _catalog;

    private WorkflowCatalogService Catalog => _catalog ?? throw new InvalidOperationException("Call StartAsync first.");

    private IServiceProvider Services => _provider ?? throw new InvalidOperationException("Call StartAsync first.");

    private ILuminaTools Tools => Services.GetRequiredService<ILuminaTools>();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // A run still waiting on the gate ends, so no step outlives the kernel.
        _tools.Gate.TrySetResult();
        if (_catalog is not null)
        {
            await _catalog.StopAsync(CancellationToken.None);
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task AValidFile_IsServed_WithItsInputsAsTheSchema_AndACallAnswersWithItsOutputs()
    {
        Write("greet.yaml", Greet);
        await StartAsync();

        Catalog.Errors.Should().BeEmpty();
        using (As("ada"))
        {
            var tool = Tools.List().Should().ContainSingle(t => t.Name == "workflow_greet").Subject;
            var schema = JsonNode.Parse(tool.InputSchema.GetRawText())!;
            schema["properties"]!["word"]!["type"]!.GetValue<string>().Should().Be("string");
            schema["properties"]!["times"]!["type"]!.GetValue<string>().Should().Be("integer");
            schema["required"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("word");

            var result = await CallAsync("workflow_greet", new JsonObject { ["word"] = "ada" });

            JsonNode.Parse(result.GetRawText())!.ToJsonString().Should().Be("""{"said":"hello ada"}""");
        }

        _tools.CallsOf("echo:hello ada").Should().Be(1);
    }

    [Fact]
    public async Task AnInvalidFile_IsNotServed_AndItsErrorNamesTheFileLineAndStep_WithASuggestion_WhileTheValidOneIs()
    {
        Write("greet.yaml", Greet);
        Write("bad.yaml", """
            name: bad
            description: Calls a tool that is not there.
            steps:
              - id: a
                call: t_ech
                with: { text: x }
            """);
        await StartAsync();

        var error = Catalog.Errors.Should().ContainSingle().Subject;
        error.File.Should().Be(Path.Combine(_folder, "bad.yaml"));
        error.Line.Should().Be(5);
        error.Step.Should().Be("a");
        error.Message.Should().Contain("'t_ech'").And.Contain("did you mean 't_echo'");
        error.ToString().Should().Be($"{Path.Combine(_folder, "bad.yaml")}:5: step 'a': {error.Message}");
        Catalog.Workflows.Select(w => w.Definition.Name).Should().Equal("greet");
        using (As("ada"))
        {
            var names = Tools.List().Select(t => t.Name).ToList();
            names.Should().Contain("workflow_greet").And.NotContain("workflow_bad");
        }
    }

    [Fact]
    public async Task TwoWorkflows_ThatCallEachOther_AreBothRefused_AsACycle()
    {
        Write("greet.yaml", Greet);
        Write("a.yaml", """
            name: a
            description: Calls b.
            steps:
              - id: first
                call: workflow_b
            """);
        Write("b.yaml", """
            name: b
            description: Calls a.
            steps:
              - id: first
                call: workflow_a
            """);
        await StartAsync();

        Catalog.Errors.Should().HaveCount(2).And.OnlyContain(e => e.Message.Contains("a cycle of workflows", StringComparison.Ordinal));
        Catalog.Errors.Select(e => Path.GetFileName(e.File)).Should().BeEquivalentTo(["a.yaml", "b.yaml"]);
        Catalog.Errors.Should().Contain(e => e.Message.Contains("workflow_a -> workflow_b -> workflow_a", StringComparison.Ordinal));
        Catalog.Workflows.Select(w => w.Definition.Name).Should().Equal("greet");
        using (As("ada"))
        {
            Tools.List().Select(t => t.Name).Should().Contain("workflow_greet").And.NotContain(["workflow_a", "workflow_b"]);
        }
    }

    [Fact]
    public async Task AFileAdded_WhileServing_IsServed_AndTheRegistrySaysSo_AndDeletingItRemovesIt()
    {
        Write("greet.yaml", Greet);
        await StartAsync();
        var registry = Services.GetRequiredService<LuminaPluginRegistry>();
        var changes = 0;
        registry.Changed += (_, _) => Interlocked.Increment(ref changes);

        Write("added.yaml", """
            name: added
            description: Added while serving.
            steps:
              - id: a
                call: t_echo
                with: { text: added }
            """);

        (await Eventually.WaitAsync(() => Catalog.Find("added") is not null)).Should().BeTrue("the folder is watched");
        Volatile.Read(ref changes).Should().BeGreaterThan(0, "serving another workflow changes the registry");
        using (As("ada"))
        {
            Tools.List().Select(t => t.Name).Should().Contain(["workflow_added", "workflow_greet"]);
            var result = await CallAsync("workflow_added", new JsonObject());
            result.ValueKind.Should().Be(JsonValueKind.Object);
        }

        _tools.CallsOf("echo:added").Should().Be(1);

        var before = Volatile.Read(ref changes);
        File.Delete(Path.Combine(_folder, "added.yaml"));

        (await Eventually.WaitAsync(() => Catalog.Find("added") is null)).Should().BeTrue("a deleted file is no longer served");
        Volatile.Read(ref changes).Should().BeGreaterThan(before);
        using (As("ada"))
        {
            Tools.List().Select(t => t.Name).Should().Contain("workflow_greet").And.NotContain("workflow_added");
        }
    }

    [Fact]
    public async Task AWorkflowOfOnlyWriteSteps_IsHiddenFromAGuest_AndShownToAUser()
    {
        Write("change.yaml", """
            name: change
            description: Only writes.
            steps:
              - id: w
                call: t_write
                with: { text: only }
            """);
        Write("mixed.yaml", """
            name: mixed
            description: Reads, then writes.
            steps:
              - id: look
                call: t_echo
                with: { text: looked }
              - id: change
                call: t_write
                with: { text: guest-write }
            """);
        await StartAsync();

        using (As("gus", role: "guest"))
        {
            Tools.List().Select(t => t.Name).Should().Contain("workflow_mixed").And.NotContain("workflow_change");
        }

        using (As("ada"))
        {
            Tools.List().Select(t => t.Name).Should().Contain(["workflow_mixed", "workflow_change"]);
        }
    }

    [Fact]
    public async Task AHiddenWorkflow_CalledByName_IsRefusedBeforeARunStarts()
    {
        Write("change.yaml", """
            name: change
            description: Only writes.
            steps:
              - id: w
                call: t_write
                with: { text: hidden-write }
            """);
        await StartAsync();

        using (As("gus", role: "guest"))
        {
            var call = () => CallAsync("workflow_change", []);

            (await call.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("workflow_change calls only tools that Gus (role 'guest') may not use");
            (await Services.GetRequiredService<IWorkflowRunStore>().ListAsync()).Should().BeEmpty("no run was started");
        }

        _tools.CallsOf("write:hidden-write").Should().Be(0);
    }

    [Fact]
    public async Task AGuestsRun_OfAWorkflowWithAReadAndAWriteStep_FailsAtTheWriteStep_AfterTheReadRan()
    {
        Write("mixed.yaml", """
            name: mixed
            description: Reads, then writes.
            steps:
              - id: look
                call: t_echo
                with: { text: looked }
              - id: change
                call: t_write
                with: { text: guest-write }
            """);
        await StartAsync();

        using (As("gus", role: "guest"))
        {
            var call = () => CallAsync("workflow_mixed", new JsonObject());

            (await call.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("Step 'change'");
        }

        _tools.CallsOf("echo:looked").Should().Be(1);
        _tools.CallsOf("write:guest-write").Should().Be(0);
        var run = (await Services.GetRequiredService<IWorkflowRunStore>().ListAsync("gus")).Should().ContainSingle().Subject;
        run.Status.Should().Be(WorkflowRunStatus.Failed);
    }

    [Fact]
    public async Task Arguments_ThatDoNotFit_AreRefused_NamingTheInput()
    {
        Write("greet.yaml", Greet);
        await StartAsync();

        using (As("ada"))
        {
            var call = () => CallAsync("workflow_greet", new JsonObject { ["word"] = 5 });

            (await call.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain("'word' must be a string");
        }

        _tools.Calls.Should().BeEmpty("no step runs with arguments that do not fit");
    }

    [Fact]
    public async Task WorkflowsRuns_ListsOnlyTheCallersOwnRuns_AndAnAdminSeesEveryones()
    {
        Write("greet.yaml", Greet);
        await StartAsync();
        using (As("ada"))
        {
            await CallAsync("workflow_greet", new JsonObject { ["word"] = "from-ada" });
        }

        using (As("bob"))
        {
            await CallAsync("workflow_greet", new JsonObject { ["word"] = "from-bob" });
        }

        var store = Services.GetRequiredService<IWorkflowRunStore>();
        var adaRun = (await store.ListAsync("ada")).Should().ContainSingle().Subject.Id;
        var bobRun = (await store.ListAsync("bob")).Should().ContainSingle().Subject.Id;

        using (As("ada"))
        {
            (await RunIdsAsync()).Should().Equal(adaRun);
        }

        using (As("bob"))
        {
            (await RunIdsAsync()).Should().Equal(bobRun);
        }

        using (As("root", role: "admin"))
        {
            (await RunIdsAsync()).Should().BeEquivalentTo([adaRun, bobRun]);
        }
    }

    [Fact]
    public async Task ReadingAnotherCallersRun_IsRefusedAsNotFound_WhileTheirOwnIsRead()
    {
        Write("greet.yaml", Greet);
        await StartAsync();
        using (As("ada"))
        {
            await CallAsync("workflow_greet", new JsonObject { ["word"] = "mine" });
        }

        using (As("bob"))
        {
            await CallAsync("workflow_greet", new JsonObject { ["word"] = "theirs" });
        }

        var store = Services.GetRequiredService<IWorkflowRunStore>();
        var adaRun = (await store.ListAsync("ada")).Single().Id;
        var bobRun = (await store.ListAsync("bob")).Single().Id;
        var plugin = ActivatorUtilities.CreateInstance<WorkflowsPlugin>(Services);

        using (As("ada"))
        {
            var own = JsonNode.Parse(await plugin.RunAsync(adaRun))!;
            own["id"]!.GetValue<string>().Should().Be(adaRun);
            own["outputs"]!["said"]!.GetValue<string>().Should().Be("hello mine");

            var other = () => plugin.RunAsync(bobRun);
            var refusal = (await other.Should().ThrowAsync<LuminaRefusalException>()).Which;
            refusal.Kind.Should().Be(LuminaRefusalKind.NotFound);
            refusal.Message.Should().Contain(bobRun).And.NotContain("theirs");
        }
    }

    [Fact]
    public async Task CancellingAnotherCallersRun_IsRefused_AndTheRunGoesOn_UntilItsOwnerCancelsIt()
    {
        var (_, handle) = await StartHeldRunAsync("bob");

        using (As("ada"))
        {
            var cancel = () => CallAsync("workflows_cancel", new JsonObject { ["run"] = handle.Run.Id });

            (await cancel.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain("There is no workflow run");
        }

        var untouched = await Services.GetRequiredService<IWorkflowRunStore>().GetAsync(handle.Run.Id);
        untouched!.CancelRequested.Should().BeFalse();
        untouched.Status.Should().Be(WorkflowRunStatus.Running);

        using (As("bob"))
        {
            var asked = await CallAsync("workflows_cancel", new JsonObject { ["run"] = handle.Run.Id });
            asked.GetProperty("id").GetString().Should().Be(handle.Run.Id);
        }

        var run = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        run.Status.Should().Be(WorkflowRunStatus.Cancelled, run.Error);
        _tools.CallsOf("echo:never").Should().Be(0);
    }

    [Fact]
    public async Task Resume_IsForAdministrators_AndSaysWhyARunCannotBeResumed()
    {
        var (engine, handle) = await StartHeldRunAsync("bob");
        var resume = () => CallAsync("workflows_resume", new JsonObject { ["run"] = handle.Run.Id });

        using (As("bob"))
        {
            await resume.Should().ThrowAsync<LuminaForbiddenException>("resuming is administration, even of one's own run");
        }

        using (As("ada", "admin"))
        {
            (await resume.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain("is running on this host", "a second executor would repeat its steps");
            var unknown = () => CallAsync("workflows_resume", new JsonObject { ["run"] = "wr_nope" });
            (await unknown.Should().ThrowAsync<LuminaRefusalException>()).Which.Kind.Should().Be(LuminaRefusalKind.NotFound);

            await engine.CancelAsync(handle.Run.Id);
            await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));
            (await resume.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain("has ended (cancelled)");
        }
    }

    /// <summary>Serves the workflow <c>hold</c> (a step that waits for the gate, then one that must never run) and starts it for <paramref name="owner"/>, waiting until its first step waits.</summary>
    private async Task<(WorkflowEngine Engine, WorkflowRunHandle Handle)> StartHeldRunAsync(string owner)
    {
        Write("hold.yaml", """
            name: hold
            description: Waits for the gate.
            steps:
              - id: a
                call: t_wait
                with: { key: held }
              - id: b
                call: t_echo
                with: { text: never }
            """);
        await StartAsync();
        var engine = Services.GetRequiredService<WorkflowEngine>();
        var hold = Catalog.Find("hold")!;
        var handle = await engine.StartAsync(hold.Definition, hold.Text, null, new LuminaCallContext(Caller(owner)));
        await _tools.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return (engine, handle);
    }

    private static LuminaCaller Caller(string id, string role = "user") =>
        new(id, char.ToUpperInvariant(id[0]) + id[1..], role, LuminaTransport.Http, IsAuthenticated: true);

    private IDisposable As(string id, string role = "user") =>
        Services.GetRequiredService<ILuminaCallContextAccessor>().Push(new LuminaCallContext(Caller(id, role)));

    private Task<JsonElement> CallAsync(string tool, JsonObject arguments) =>
        Tools.CallAsync(tool, JsonSerializer.SerializeToElement(arguments));

    private async Task<List<string>> RunIdsAsync()
    {
        var listed = await CallAsync("workflows_runs", new JsonObject());
        return [.. listed.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("id").GetString()!)];
    }

    private void Write(string file, string yaml) => File.WriteAllText(Path.Combine(_folder, file), yaml);

    private async Task StartAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Lumina:DataDirectory"] = TestData.NewDirectory(),
                ["Lumina:Workflows:Examples"] = "false",
                ["Lumina:Workflows:Directories:0"] = _folder,
                ["Lumina:Workflows:Heartbeat"] = "00:00:00.2",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLumina(configuration).AddSqliteStores().AddPlugin(_tools).AddWorkflows(configuration);
        _provider = services.BuildServiceProvider();
        _catalog = _provider.GetRequiredService<WorkflowCatalogService>();
        await _catalog.StartAsync(CancellationToken.None);
        await _catalog.StartedAsync(CancellationToken.None);
    }
}
