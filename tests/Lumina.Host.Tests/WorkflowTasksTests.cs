using System.Net;
using System.Text.Json.Nodes;

namespace Lumina.Host.Tests;

/// <summary>
/// Workflows as MCP tasks, end to end against the real host over HTTP: a client that declares the tasks extension gets
/// a <c>workflow_*</c> call back as a task it polls to the workflow's outputs, answers a step's <c>confirm</c> through
/// <c>tasks/update</c> (yes runs the step, no stops the run before it) and cancels (the run stops too); a client
/// without the extension is answered with the run id after <c>SyncWait</c> while the run goes on to its end.
/// </summary>
public sealed class WorkflowTasksTests : IDisposable
{
    private const string Tasks = "io.modelcontextprotocol/tasks";
    private const string Modern = "2026-07-28";
    private readonly HttpClient _http = new();
    private readonly TempDirectory _workflows = new();
    private int _id;

    public WorkflowTasksTests()
    {
        File.WriteAllText(Path.Combine(_workflows.Path, "stepped.yaml"), """
            name: stepped
            description: Reads the clock, remembers a fact, and waits a moment in the sandbox.
            inputs:
              tag: { type: string }
              seconds: { type: integer, default: 2 }
            steps:
              - id: clock
                call: time_now
                with: { timeZone: UTC }
              - id: remember
                call: memory_remember
                with: { text: "workflow task ${{ inputs.tag }}" }
              - id: wait
                call: exec_run
                with: { command: "sleep ${{ inputs.seconds }}; echo waited ${{ inputs.tag }}" }
              - id: last
                call: memory_remember
                with: { text: "workflow task ${{ inputs.tag }} done" }
            outputs:
              zone: ${{ steps.clock.result.timeZone }}
              fact: ${{ steps.remember.result.text }}
              waited: ${{ steps.wait.result.stdout }}
            """);
        File.WriteAllText(Path.Combine(_workflows.Path, "confirmed.yaml"), """
            name: confirmed
            description: Reads the clock, then asks before it runs a command in the sandbox.
            inputs:
              tag: { type: string }
            steps:
              - id: clock
                call: time_now
              - id: write
                confirm: Run the command for ${{ inputs.tag }}?
                call: exec_run
                with: { command: "echo ran ${{ inputs.tag }}" }
            outputs:
              ran: ${{ steps.write.result.stdout }}
            """);
    }

    public void Dispose()
    {
        _http.Dispose();
        _workflows.Dispose();
    }

    [Fact]
    public async Task AWorkflowCall_BecomesATask_PolledToTheWorkflowsOutputs()
    {
        await using var host = await StartAsync("--Lumina:Policy:AllowDestructiveWithoutConfirmation=true");

        var created = await ResultAsync(host, "tools/call", "workflow_stepped", Call("workflow_stepped", new JsonObject { ["tag"] = "t1" }));
        created["resultType"]!.GetValue<string>().Should().Be("task", created.ToJsonString());
        var id = created["taskId"]!.GetValue<string>();
        var done = await UntilAsync(host, id, s => s is not ("working" or "input_required"));

        done["status"]!.GetValue<string>().Should().Be("completed", done.ToJsonString());
        done["result"]!["isError"]?.GetValue<bool>().Should().NotBe(true, done.ToJsonString());
        var outputs = Outputs(done["result"]!);
        outputs["zone"]!.GetValue<string>().Should().Be("UTC");
        outputs["fact"]!.GetValue<string>().Should().Be("workflow task t1");
        outputs["waited"]!.GetValue<string>().Should().Be("waited t1\n");

        var run = (await RunsAsync(host)).Should().ContainSingle().Subject;
        var state = await ReadRunAsync(host, run);
        state["status"]!.GetValue<string>().Should().Be("completed", state.ToJsonString());
        state["stepsDone"]!.GetValue<int>().Should().Be(4);
        state["outputs"]!["waited"]!.GetValue<string>().Should().Be("waited t1\n");
    }

    [Fact]
    public async Task AConfirmStep_AsksThroughTheTask_AndAnAcceptRunsTheStep()
    {
        // No AllowDestructiveWithoutConfirmation: the step's confirm is the only question, the policy does not ask again.
        await using var host = await StartAsync();
        var id = await StartTaskAsync(host, "workflow_confirmed", new JsonObject { ["tag"] = "yes" });

        var waiting = await UntilAsync(host, id, s => s is not "working");
        waiting["status"]!.GetValue<string>().Should().Be("input_required", waiting.ToJsonString());
        var (key, question) = waiting["inputRequests"]!.AsObject().Should().ContainSingle().Subject;
        question!["method"]!.GetValue<string>().Should().Be("elicitation/create");
        question["params"]!["message"]!.GetValue<string>().Should().Contain("confirmed").And.Contain("write").And.Contain("Run the command for yes?");
        var ack = await ResultAsync(host, "tasks/update", id, new JsonObject { ["taskId"] = id, ["inputResponses"] = new JsonObject { [key] = new JsonObject { ["action"] = "accept", ["content"] = new JsonObject() } } });
        var done = await UntilAsync(host, id, s => s is not "working");

        ack["resultType"]!.GetValue<string>().Should().Be("complete");
        done["status"]!.GetValue<string>().Should().Be("completed", done.ToJsonString());
        done["result"]!["isError"]?.GetValue<bool>().Should().NotBe(true, done.ToJsonString());
        Outputs(done["result"]!)["ran"]!.GetValue<string>().Should().Be("ran yes\n");
        var state = await ReadRunAsync(host, (await RunsAsync(host)).Single());
        state["status"]!.GetValue<string>().Should().Be("completed", state.ToJsonString());
        state["steps"]!["write"]!["result"]!["stdout"]!.GetValue<string>().Should().Be("ran yes\n", state.ToJsonString());
    }

    [Fact]
    public async Task AConfirmStep_Declined_StopsTheRunBeforeTheStep()
    {
        await using var host = await StartAsync();
        var id = await StartTaskAsync(host, "workflow_confirmed", new JsonObject { ["tag"] = "no" });

        var waiting = await UntilAsync(host, id, s => s is not "working");
        waiting["status"]!.GetValue<string>().Should().Be("input_required", waiting.ToJsonString());
        var key = waiting["inputRequests"]!.AsObject().Single().Key;
        await ResultAsync(host, "tasks/update", id, new JsonObject { ["taskId"] = id, ["inputResponses"] = new JsonObject { [key] = new JsonObject { ["action"] = "decline" } } });
        var ended = await UntilAsync(host, id, s => s is not ("working" or "input_required"));

        // The call ends with the refusal the declined confirmation is: an error result naming the step, not a crash.
        ended["status"]!.GetValue<string>().Should().Be("completed", ended.ToJsonString());
        ended["result"]!["isError"]!.GetValue<bool>().Should().BeTrue(ended.ToJsonString());
        ended["result"]!["content"]![0]!["text"]!.GetValue<string>().Should().Contain("declined step 'write'");
        var state = await ReadRunAsync(host, (await RunsAsync(host)).Single());
        state["status"]!.GetValue<string>().Should().Be("cancelled", state.ToJsonString());
        state["steps"]!.AsObject().Select(p => p.Key).Should().Equal(["clock"], "the declined step must not run");
        state["outputs"].Should().BeNull();
    }

    [Fact]
    public async Task ACancelledWorkflowTask_EndsCancelled_AndSoDoesItsRun()
    {
        await using var host = await StartAsync("--Lumina:Policy:AllowDestructiveWithoutConfirmation=true");
        var id = await StartTaskAsync(host, "workflow_stepped", new JsonObject { ["tag"] = "stop", ["seconds"] = 120 });

        // Wait until the run sleeps in its third step.
        var run = await UntilRunAsync(host, s => s["stepsDone"]!.GetValue<int>() >= 2);
        var ack = await ResultAsync(host, "tasks/cancel", id, new JsonObject { ["taskId"] = id });
        var cancelled = await UntilAsync(host, id, s => s is not ("working" or "input_required"));
        var state = await UntilRunAsync(host, s => s["status"]!.GetValue<string>() is not "running");

        ack["resultType"]!.GetValue<string>().Should().Be("complete");
        run["status"]!.GetValue<string>().Should().Be("running");
        cancelled["status"]!.GetValue<string>().Should().Be("cancelled", cancelled.ToJsonString());
        cancelled["result"].Should().BeNull();
        state["status"]!.GetValue<string>().Should().Be("cancelled", state.ToJsonString());
        state["steps"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo(["clock", "remember"], "the cancelled sleep and the step after it did not finish");

        var (code, list, errors) = await LuminaProcess.RunAsync(["workflows", "list", $"--Lumina:DataDirectory={host.DataDirectory}"]);
        code.Should().Be(0, errors);
        list.Should().Contain(state["id"]!.GetValue<string>()).And.Contain("cancelled");
    }

    [Fact]
    public async Task AClientWithoutTheExtension_GetsTheRunIdAfterSyncWait_AndTheRunGoesOnToItsEnd()
    {
        await using var host = await StartAsync("--Lumina:Policy:AllowDestructiveWithoutConfirmation=true", "--Lumina:Workflows:SyncWait=00:00:01");

        var answer = await ResultAsync(host, "tools/call", "workflow_stepped", Call("workflow_stepped", new JsonObject { ["tag"] = "bg", ["seconds"] = 4 }), declareTasks: false);

        await RunsInTheBackgroundAsync(host, answer, "bg", read: uri => ResourceAsync(host, uri));
    }

    [Fact]
    public async Task A2025Session_GetsTheRunIdAfterSyncWait_AndTheRunGoesOnToItsEnd()
    {
        await using var host = await StartAsync("--Lumina:Policy:AllowDestructiveWithoutConfirmation=true", "--Lumina:Workflows:SyncWait=00:00:01");
        var session = await RawMcpSession.StartAsync(_http, host.McpEndpoint);

        var answer = await SessionResultAsync(session, "tools/call", Call("workflow_stepped", new JsonObject { ["tag"] = "old", ["seconds"] = 4 }));

        await RunsInTheBackgroundAsync(host, answer, "old", read: async uri => (await SessionResultAsync(session, "resources/read", new JsonObject { ["uri"] = uri }))["contents"]![0]!["text"]!.GetValue<string>());
    }

    private static async Task RunsInTheBackgroundAsync(HttpHost host, JsonObject answer, string tag, Func<string, Task<string>> read)
    {
        answer["taskId"].Should().BeNull("the client did not declare the tasks extension");
        answer["isError"]?.GetValue<bool>().Should().NotBe(true, answer.ToJsonString());
        var running = Outputs(answer);
        running["status"]!.GetValue<string>().Should().Be("running", answer.ToJsonString());
        var runId = running["runId"]!.GetValue<string>();
        runId.Should().StartWith("wr_");
        running["resource"]!.GetValue<string>().Should().Be("workflow://runs/" + runId);

        JsonNode state;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            state = JsonNode.Parse(await read("workflow://runs/" + runId))!;
            if (state["status"]!.GetValue<string>() is not "running")
            {
                break;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, "run {0} should end; it is {1}", runId, state.ToJsonString());
            await Task.Delay(200);
        }

        state["status"]!.GetValue<string>().Should().Be("completed", state.ToJsonString());
        state["stepsDone"]!.GetValue<int>().Should().Be(4);
        state["outputs"]!["waited"]!.GetValue<string>().Should().Be($"waited {tag}\n");
        state["outputs"]!["fact"]!.GetValue<string>().Should().Be($"workflow task {tag}");
        host.Process.HasExited.Should().BeFalse();
    }

    private Task<HttpHost> StartAsync(params string[] more) => HttpHost.StartAsync(
        ["--Lumina:Auth:AnonymousRole=user", "--Lumina:Workflows:Examples=false", $"--Lumina:Workflows:Directories:0={_workflows.Path}", .. more]);

    private static JsonObject Call(string tool, JsonObject arguments) => new() { ["name"] = tool, ["arguments"] = arguments };

    /// <summary>A tool result's JSON: its structured content, or its text.</summary>
    private static JsonNode Outputs(JsonNode result) =>
        result["structuredContent"]?.DeepClone() ?? JsonNode.Parse(result["content"]![0]!["text"]!.GetValue<string>())!;

    private async Task<string> StartTaskAsync(HttpHost host, string tool, JsonObject arguments)
    {
        var created = await ResultAsync(host, "tools/call", tool, Call(tool, arguments));
        created["resultType"]!.GetValue<string>().Should().Be("task", created.ToJsonString());
        return created["taskId"]!.GetValue<string>();
    }

    /// <summary>The ids of the caller's workflow runs, through <c>workflows_runs</c>.</summary>
    private async Task<List<string>> RunsAsync(HttpHost host)
    {
        var result = await ResultAsync(host, "tools/call", "workflows_runs", Call("workflows_runs", []));
        result["isError"]?.GetValue<bool>().Should().NotBe(true, result.ToJsonString());
        return [.. Outputs(result)["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<string>())];
    }

    private async Task<string> ResourceAsync(HttpHost host, string uri) =>
        (await ResultAsync(host, "resources/read", uri, new JsonObject { ["uri"] = uri }))["contents"]![0]!["text"]!.GetValue<string>();

    private async Task<JsonNode> ReadRunAsync(HttpHost host, string runId) => JsonNode.Parse(await ResourceAsync(host, "workflow://runs/" + runId))!;

    /// <summary>Polls the host's only run until <paramref name="done"/> holds.</summary>
    private async Task<JsonNode> UntilRunAsync(HttpHost host, Func<JsonNode, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var runs = await RunsAsync(host);
            if (runs.Count == 1)
            {
                var state = await ReadRunAsync(host, runs[0]);
                if (done(state))
                {
                    return state;
                }

                DateTime.UtcNow.Should().BeBefore(deadline, "the run should get there; it is {0}", state.ToJsonString());
            }
            else
            {
                runs.Should().BeEmpty("a single run is started");
                DateTime.UtcNow.Should().BeBefore(deadline, "the run should start");
            }

            await Task.Delay(150);
        }
    }

    /// <summary>Polls <c>tasks/get</c> until the status matches.</summary>
    private async Task<JsonObject> UntilAsync(HttpHost host, string id, Func<string, bool> status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var task = await ResultAsync(host, "tasks/get", id, new JsonObject { ["taskId"] = id });
            if (status(task["status"]!.GetValue<string>()))
            {
                return task;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, "task {0} should reach the status; it is {1}", id, task.ToJsonString());
            await Task.Delay(100);
        }
    }

    private async Task<JsonObject> ResultAsync(HttpHost host, string method, string name, JsonObject parameters, bool declareTasks = true)
    {
        var (status, answer) = await SendAsync(host, method, name, parameters, declareTasks);
        status.Should().Be(HttpStatusCode.OK, answer.ToJsonString());
        return answer["result"]?.AsObject() ?? throw new InvalidOperationException($"{method} answered {answer.ToJsonString()}");
    }

    /// <summary>A stateless 2026-07-28 request, declaring elicitation (and the tasks extension unless told not to).</summary>
    private async Task<(HttpStatusCode Status, JsonObject Answer)> SendAsync(HttpHost host, string method, string name, JsonObject parameters, bool declareTasks)
    {
        var capabilities = new JsonObject { ["elicitation"] = new JsonObject() };
        if (declareTasks)
        {
            capabilities["extensions"] = new JsonObject { [Tasks] = new JsonObject() };
        }

        parameters["_meta"] = new JsonObject
        {
            ["io.modelcontextprotocol/protocolVersion"] = Modern,
            ["io.modelcontextprotocol/clientCapabilities"] = capabilities,
        };
        var id = Interlocked.Increment(ref _id);
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString();
        using var request = RawMcpSession.Post(host.McpEndpoint, body, Modern, sessionId: null);
        request.Headers.Add("Mcp-Method", method);
        request.Headers.Add("Mcp-Name", name);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return (response.StatusCode, await AnswerAsync(response, id));
    }

    /// <summary>A request in a 2025-11-25 session (no tasks extension there).</summary>
    private async Task<JsonObject> SessionResultAsync(RawMcpSession session, string method, JsonObject parameters)
    {
        var id = Interlocked.Increment(ref _id) + 1000;
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString();
        using var response = await session.SendAsync(body, RawMcpSession.NegotiatedVersion);
        var answer = await AnswerAsync(response, id);
        response.StatusCode.Should().Be(HttpStatusCode.OK, answer.ToJsonString());
        return answer["result"]?.AsObject() ?? throw new InvalidOperationException($"{method} answered {answer.ToJsonString()}");
    }

    private static async Task<JsonObject> AnswerAsync(HttpResponseMessage response, int id) =>
        response.Content.Headers.ContentType?.MediaType == "application/json"
            ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject()
            : RawMcpSession.Answer(await RawMcpSession.ReadEventsAsync(response), id) ?? throw new InvalidOperationException($"No answer to request {id}.");
}
