using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>
/// Workflows in the real host: the shipped ones served as tools and run from an MCP client (its model answering
/// <c>ask</c> through sampling, its user the confirmations), and a run whose host is killed with SIGKILL mid-step
/// finished by the next host on the same store without running a finished step again.
/// </summary>
/// <remarks>
/// The shipped workflows' runs share one stdio host and client (<see cref="ClientHost"/>), each answering the host's
/// questions with handlers of its own and writing files of its own names; the others, configured otherwise or killing
/// their host, start their own.
/// </remarks>
public sealed class WorkflowHostTests(WorkflowHostTests.ClientHost shared) : IClassFixture<WorkflowHostTests.ClientHost>, IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _workflows = new();

    public void Dispose()
    {
        _data.Dispose();
        _workflows.Dispose();
    }

    [Fact]
    public async Task ShippedWorkflows_AreTools_AndReviewChangesRunsFromAClient()
    {
        File.WriteAllText(Path.Combine(shared.Root.Path, "a.cs"), "class A { int Add(int x, int y) => x - y; }\n");
        File.WriteAllText(Path.Combine(shared.Root.Path, "b.cs"), "class B { }\n");
        File.WriteAllText(Path.Combine(shared.Root.Path, "notes.txt"), "not reviewed\n");
        var sampled = new List<string>();
        var asked = new List<string>();
        var client = shared.Client;
        shared.Handlers = new McpClientHandlers
        {
            SamplingHandler = (request, _, _) =>
            {
                lock (sampled)
                {
                    sampled.Add(string.Join("\n", request!.Messages.SelectMany(m => m.Content).OfType<TextContentBlock>().Select(t => t.Text)));
                }

                return ValueTask.FromResult(new CreateMessageResult { Model = "test-model", Role = Role.Assistant, Content = [new TextContentBlock { Text = "A.Add subtracts instead of adding." }] });
            },
            ElicitationHandler = (request, _) =>
            {
                lock (asked)
                {
                    asked.Add(request!.Message);
                }

                return ValueTask.FromResult(new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement>() });
            },
        };

        var tools = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
        var templates = (await client.ListResourceTemplatesAsync()).Select(t => t.UriTemplate).ToList();
        var result = await client.CallToolAsync("workflow_review_changes", new Dictionary<string, object?> { ["folder"] = ".", ["pattern"] = "*.cs" });

        tools.Should().Contain(["workflow_review_changes", "workflow_research_page", "workflow_triage", "workflows_runs", "workflows_cancel"]);
        templates.Should().Contain(["workflow://runs/{id}", "workflow://definitions/{name}"]);
        result.IsError.Should().NotBe(true, Text(result));
        var outputs = Outputs(result);
        outputs["files"]!.AsArray().Select(f => f!.GetValue<string>()).Should().BeEquivalentTo(["a.cs", "b.cs"]);
        outputs["summary"]!.GetValue<string>().Should().Be("A.Add subtracts instead of adding.");
        File.ReadAllText(Path.Combine(shared.Root.Path, "REVIEW.md")).Should().Contain("A.Add subtracts instead of adding.");
        sampled.Should().ContainSingle().Which.Should().Contain("x - y").And.NotContain("not reviewed");
        asked.Should().Contain(q => q.Contains("Write the review of . to REVIEW.md?", StringComparison.Ordinal));

        var definition = await client.ReadResourceAsync("workflow://definitions/review_changes");
        definition.Contents.OfType<TextResourceContents>().Single().Text.Should().Contain("name: review_changes");
    }

    [Fact]
    public async Task Triage_ClassifiesWithTheClientsModel_AndFilesByCategoryOnceConfirmed()
    {
        var asked = new List<string>();
        var client = shared.Client;
        shared.Handlers = new McpClientHandlers
        {
            // The client's model labels each item by what it says.
            SamplingHandler = (request, _, _) =>
            {
                var text = string.Join("\n", request!.Messages.SelectMany(m => m.Content).OfType<TextContentBlock>().Select(t => t.Text));
                var label = text.Contains("crashes", StringComparison.Ordinal) ? "bug" : text.Contains("dark mode", StringComparison.Ordinal) ? "feature" : "question";
                return ValueTask.FromResult(new CreateMessageResult { Model = "test-model", Role = Role.Assistant, Content = [new TextContentBlock { Text = label }] });
            },
            ElicitationHandler = (request, _) =>
            {
                lock (asked)
                {
                    asked.Add(request!.Message);
                }

                return ValueTask.FromResult(new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement>() });
            },
        };

        var result = await client.CallToolAsync("workflow_triage", new Dictionary<string, object?>
        {
            ["items"] = new[] { "The app crashes on save", "Please add dark mode", "How do I export my data?" },
        });

        result.IsError.Should().NotBe(true, Text(result));
        Outputs(result)["labels"]!.AsArray().Select(l => l!.GetValue<string>()).Should().Equal("bug", "feature", "question");
        File.ReadAllText(Path.Combine(shared.Root.Path, "triage", "bugs.md")).Should().Contain("- The app crashes on save").And.NotContain("dark mode");
        File.ReadAllText(Path.Combine(shared.Root.Path, "triage", "features.md")).Should().Contain("- Please add dark mode");
        File.ReadAllText(Path.Combine(shared.Root.Path, "triage", "questions.md")).Should().Contain("- How do I export my data?");
        asked.Should().ContainSingle("the block's confirmation covers its three writes").Which.Should().Contain("File 3 triaged items into triage/?");
    }

    [Fact]
    public async Task AFederatedTool_IsAStep_OnceItsServerHasConnected()
    {
        File.WriteAllText(Path.Combine(_workflows.Path, "fed.yaml"), """
            name: fed
            description: Echoes a word through the reference server.
            inputs:
              word: { type: string }
            steps:
              - id: echo
                call: everything_echo
                with: { message: "${{ inputs.word }}" }
            outputs:
              echoed: ${{ steps.echo.result }}
            """);
        await using var client = await McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = "dotnet",
                Arguments = LuminaProcess.IsolatedArguments(_data.Path, [$"--Lumina:Workflows:Directories:0={_workflows.Path}", "--Lumina:Servers:everything:Start=eager", .. Federation.Everything]),
            }),
            new McpClientOptions { ProtocolVersion = "2025-11-25" });

        // The file is valid once the upstream's tools are served, which is after the host has started (the upstream is
        // a node process: on a loaded machine its start alone took over 30 s, so up to 90 s).
        IList<McpClientTool> tools = [];
        for (var i = 0; i < 360 && !tools.Any(t => t.Name == "workflow_fed"); i++)
        {
            await Task.Delay(250);
            tools = await client.ListToolsAsync();
        }

        var result = await client.CallToolAsync("workflow_fed", new Dictionary<string, object?> { ["word"] = "across" });

        tools.Select(t => t.Name).Should().Contain(["everything_echo", "workflow_fed"]);
        result.IsError.Should().NotBe(true, Text(result));
        Outputs(result)["echoed"]!.ToJsonString().Should().Contain("Echo: across");
    }

    [Fact]
    public async Task AHostKilledMidRun_TheNextHostFinishesTheRun_AndNoFinishedStepRunsTwice()
    {
        File.WriteAllText(Path.Combine(_workflows.Path, "crashy.yaml"), """
            name: crashy
            description: Remembers a fact, waits a while in the sandbox, and remembers another.
            inputs:
              tag: { type: string }
            steps:
              - id: first
                call: memory_remember
                with: { text: "crash test first ${{ inputs.tag }}" }
              - id: slow
                call: exec_run
                with: { command: "sleep 6; echo slept" }
              - id: last
                call: memory_remember
                with: { text: "crash test last ${{ inputs.tag }}" }
            outputs:
              slept: ${{ steps.slow.result.stdout }}
            """);
        string[] settings =
        [
            $"--Lumina:Workflows:Directories:0={_workflows.Path}",
            "--Lumina:Workflows:Heartbeat=00:00:00.300",
            "--Lumina:Workflows:SyncWait=00:00:01",
            "--Lumina:Policy:AllowDestructiveWithoutConfirmation=true",
            "--Lumina:Audit:Durability=Full",
        ];

        string runId;
        await using (var first = await RawStdio.StartAsync(_data.Path, settings))
        {
            await first.SendAsync("""{"jsonrpc":"2.0","id":"run","method":"tools/call","params":{"name":"workflow_crashy","arguments":{"tag":"t1"}}}""");
            var answer = await first.ReadResponseAsync("run");
            var running = JsonNode.Parse(answer["result"]!["content"]![0]!["text"]!.GetValue<string>())!;
            running["status"]!.GetValue<string>().Should().Be("running", answer.ToJsonString());
            runId = running["runId"]!.GetValue<string>();

            // The first step is done and the sandbox sleeps: kill the host there.
            var state = await ReadRunAsync(first, runId);
            state["stepsDone"]!.GetValue<int>().Should().Be(1, state.ToJsonString());
            first.Process.Kill(entireProcessTree: true);
            await first.Process.WaitForExitAsync();
        }

        await using (var second = await RawStdio.StartAsync(_data.Path, settings))
        {
            JsonNode? state = null;
            for (var i = 0; i < 120 && state?["status"]?.GetValue<string>() is not ("completed" or "failed" or "cancelled"); i++)
            {
                await Task.Delay(250);
                state = await ReadRunAsync(second, runId);
            }

            state!["status"]!.GetValue<string>().Should().Be("completed", state.ToJsonString());
            state["resumes"]!.GetValue<int>().Should().Be(1);
            state["outputs"]!["slept"]!.GetValue<string>().Should().Be("slept\n");
        }

        var (exitCode, stdout, stderr) = await LuminaProcess.RunAsync(["audit", "tail", "-n", "200", $"--Lumina:DataDirectory={_data.Path}"]);
        exitCode.Should().Be(0, stderr);
        var remembered = stdout.Split('\n').Count(l => l.Contains(" memory_remember ok", StringComparison.Ordinal));
        remembered.Should().Be(2, "the first step ran once before the kill, the last once after it:\n" + stdout);
        stdout.Should().Contain($" memory_remember ok").And.Contain($"[workflow {runId}/first]").And.Contain($"[workflow {runId}/last]");

        var (listCode, list, listErrors) = await LuminaProcess.RunAsync(["workflows", "list", $"--Lumina:DataDirectory={_data.Path}"]);
        listCode.Should().Be(0, listErrors);
        list.Should().Contain(runId).And.Contain("crashy").And.Contain("completed").And.Contain("3/3");
    }

    /// <summary>
    /// The stdio host and client the shipped workflows' runs share, its files plugin rooted in <see cref="Root"/>; the
    /// client answers sampling and elicitation with the handlers of the test at hand (<see cref="Handlers"/>).
    /// </summary>
    public sealed class ClientHost : IAsyncLifetime
    {
        private readonly TempDirectory _data = new();

        internal TempDirectory Root { get; } = new();

        internal McpClient Client { get; private set; } = null!;

        internal McpClientHandlers Handlers { get; set; } = new();

        public async Task InitializeAsync() => Client = await McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = "dotnet",
                Arguments = LuminaProcess.IsolatedArguments(_data.Path, $"--Lumina:Files:Roots:0={Root.Path}"),
            }),
            new McpClientOptions
            {
                ProtocolVersion = "2025-11-25",
                Handlers = new McpClientHandlers
                {
                    SamplingHandler = (request, progress, cancellationToken) => Handlers.SamplingHandler!(request, progress, cancellationToken),
                    ElicitationHandler = (request, cancellationToken) => Handlers.ElicitationHandler!(request, cancellationToken),
                },
            });

        public async Task DisposeAsync()
        {
            await Client.DisposeAsync();
            Root.Dispose();
            _data.Dispose();
        }
    }

    private static int s_reads;

    private static async Task<JsonNode> ReadRunAsync(RawStdio host, string runId)
    {
        var id = "read" + Interlocked.Increment(ref s_reads);
        var request = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = "resources/read", ["params"] = new JsonObject { ["uri"] = "workflow://runs/" + runId } };
        await host.SendAsync(request.ToJsonString());
        var answer = await host.ReadResponseAsync(id);
        return JsonNode.Parse(answer["result"]?["contents"]?[0]?["text"]?.GetValue<string>() ?? throw new InvalidOperationException(answer.ToJsonString()))!;
    }

    private static JsonNode Outputs(CallToolResult result) =>
        result.StructuredContent is { } structured ? JsonNode.Parse(structured.GetRawText())! : JsonNode.Parse(Text(result))!;

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));
}
