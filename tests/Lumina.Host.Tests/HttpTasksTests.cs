using System.Net;
using System.Text.Json.Nodes;
using Lumina.Testing;

namespace Lumina.Host.Tests;

/// <summary>
/// The tasks extension (SEP-2663) on the wire, against real hosts over HTTP: a call that becomes a task, its questions
/// answered through <c>tasks/update</c>, cancellation, and a task started on one host and polled, answered and
/// cancelled on another that shares the store (SQLite files, or Redis).
/// </summary>
/// <remarks>
/// The tests on one host with the default settings share it (<see cref="DefaultHost"/>): each makes tasks of its own,
/// well under the per-caller limit. Those with other settings, or several hosts, or a host that stops, start their own.
/// </remarks>
public sealed class HttpTasksTests(HttpTasksTests.DefaultHost fixture) : IClassFixture<HttpTasksTests.DefaultHost>, IAsyncLifetime
{
    private const string Tasks = "io.modelcontextprotocol/tasks";
    private readonly HttpClient _http = new();
    private readonly TempDirectory _shared = new();
    private int _id;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _http.Dispose();
        _shared.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ACallThatBecomesATask_IsPolledToItsResult()
    {
        var host = fixture.Host;

        var created = await ResultAsync(host, "tools/call", "slow_compute", new JsonObject { ["name"] = "slow_compute", ["arguments"] = new JsonObject { ["seconds"] = 1, ["label"] = "e2e" } });
        var id = created["taskId"]!.GetValue<string>();
        var first = await ResultAsync(host, "tasks/get", id, new JsonObject { ["taskId"] = id });
        var done = await UntilAsync(host, id, s => s is "completed");

        created["resultType"]!.GetValue<string>().Should().Be("task");
        created["ttlMs"]!.GetValue<long>().Should().Be(3_600_000);
        first["status"]!.GetValue<string>().Should().BeOneOf("working", "completed");
        done["result"]!["content"]![0]!["text"]!.GetValue<string>().Should().Be("Computed e2e in 1 s.");
        done["resultType"]!.GetValue<string>().Should().Be("complete");
    }

    [Fact]
    public async Task ATasksQuestion_WaitsForTasksUpdate_ThenTheCallGoesOn()
    {
        var host = fixture.Host;
        var id = await StartTaskAsync(host, "confirm_delete", new JsonObject { ["filename"] = "notes.txt" });

        var waiting = await UntilAsync(host, id, s => s is "input_required");
        var key = waiting["inputRequests"]!.AsObject().Single().Key;
        var ack = await ResultAsync(host, "tasks/update", id, new JsonObject { ["taskId"] = id, ["inputResponses"] = new JsonObject { [key] = Accept("confirm", true) } });
        var done = await UntilAsync(host, id, s => s is "completed");

        waiting["inputRequests"]![key]!["method"]!.GetValue<string>().Should().Be("elicitation/create");
        waiting["inputRequests"]![key]!["params"]!["message"]!.GetValue<string>().Should().Contain("filename=notes.txt").And.Contain("may delete");
        ack["resultType"]!.GetValue<string>().Should().Be("complete");
        ack.AsObject().Select(p => p.Key).Should().NotContain(["taskId", "status", "result", "inputRequests"], "an acknowledgement carries no task");
        done["result"]!["content"]![0]!["text"]!.GetValue<string>().Should().Be("Deleted notes.txt.");
    }

    [Fact]
    public async Task AToolThatStartsItsTaskItself_AsksInTheRequest_ThenGoesOnAsATask()
    {
        var host = fixture.Host;
        var call = new JsonObject { ["name"] = "test_tool_with_task", ["arguments"] = new JsonObject() };

        var asked = await ResultAsync(host, "tools/call", "test_tool_with_task", call.DeepClone().AsObject());
        var retry = call.DeepClone().AsObject();
        retry["inputResponses"] = new JsonObject { ["user_name"] = Accept("name", "Alice") };
        retry["requestState"] = asked["requestState"]!.GetValue<string>();
        var created = await ResultAsync(host, "tools/call", "test_tool_with_task", retry);
        var done = await UntilAsync(host, created["taskId"]!.GetValue<string>(), s => s is "completed");

        asked["resultType"]!.GetValue<string>().Should().Be("input_required");
        asked["taskId"].Should().BeNull();
        created["resultType"]!.GetValue<string>().Should().Be("task");
        created["requestState"].Should().BeNull();
        done["result"]!["content"]![0]!["text"]!.GetValue<string>().Should().Be("Hello, Alice! (answered as a task)");
    }

    [Fact]
    public async Task ATask_IsSeenOnlyByItsCaller()
    {
        var host = fixture.Host;
        await HttpAuth.AddUserAsync(host.DataDirectory, "mallory", "user");
        var (_, key) = await HttpAuth.CreateKeyAsync(host.DataDirectory, "mallory");
        var id = await StartTaskAsync(host, "confirm_delete", new JsonObject { ["filename"] = "secret.txt" });
        await UntilAsync(host, id, s => s is "input_required");

        var (_, get) = await SendAsync(host, "tasks/get", id, new JsonObject { ["taskId"] = id }, bearer: key);
        var (_, update) = await SendAsync(host, "tasks/update", id, new JsonObject { ["taskId"] = id, ["inputResponses"] = new JsonObject() }, bearer: key);
        var (_, cancel) = await SendAsync(host, "tasks/cancel", id, new JsonObject { ["taskId"] = id }, bearer: key);
        var mine = await ResultAsync(host, "tasks/get", id, new JsonObject { ["taskId"] = id });

        foreach (var refused in new[] { get, update, cancel })
        {
            refused["error"]!["code"]!.GetValue<int>().Should().Be(-32602);
            refused["error"]!["message"]!.GetValue<string>().Should().Contain("Unknown task");
        }

        mine["status"]!.GetValue<string>().Should().Be("input_required", "another caller's cancel must not reach it");
    }

    [Fact]
    public async Task ACallerAtTheTaskLimit_GetsAnErrorResult_UntilATaskEnds()
    {
        await using var host = await StartAsync("--Lumina:Mcp:MaxTasksPerCaller=1");
        var first = await StartTaskAsync(host, "slow_compute", new JsonObject { ["seconds"] = 60 });

        var refused = await ResultAsync(host, "tools/call", "slow_compute", new JsonObject { ["name"] = "slow_compute", ["arguments"] = new JsonObject { ["seconds"] = 60 } });
        await ResultAsync(host, "tasks/cancel", first, new JsonObject { ["taskId"] = first });
        // The cancelled call ends moments later; from then on the caller may start another task.
        JsonObject again;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        do
        {
            again = await ResultAsync(host, "tools/call", "slow_compute", new JsonObject { ["name"] = "slow_compute", ["arguments"] = new JsonObject { ["seconds"] = 0 } });
            DateTime.UtcNow.Should().BeBefore(deadline);
        }
        while (again["resultType"]!.GetValue<string>() != "task");

        refused["resultType"]!.GetValue<string>().Should().Be("complete");
        refused["isError"]!.GetValue<bool>().Should().BeTrue();
        refused["content"]![0]!["text"]!.GetValue<string>().Should().Contain("MaxTasksPerCaller");
        again["taskId"]!.GetValue<string>().Should().NotBe(first);
    }

    [Fact]
    public async Task AnAnswerOfTheWrongShape_IsRefused_AndTheQuestionStaysOpen()
    {
        var host = fixture.Host;
        var id = await StartTaskAsync(host, "confirm_delete", new JsonObject { ["filename"] = "keep.txt" });
        var key = (await UntilAsync(host, id, s => s is "input_required"))["inputRequests"]!.AsObject().Single().Key;

        var (status, refused) = await SendAsync(host, "tasks/update", id, new JsonObject { ["taskId"] = id, ["inputResponses"] = new JsonObject { [key] = "yes" } });
        var still = await ResultAsync(host, "tasks/get", id, new JsonObject { ["taskId"] = id });

        status.Should().Be(HttpStatusCode.OK);
        refused["error"]!["code"]!.GetValue<int>().Should().Be(-32602);
        refused["error"]!["message"]!.GetValue<string>().Should().Contain(key);
        still["status"]!.GetValue<string>().Should().Be("input_required");
        still["inputRequests"]![key].Should().NotBeNull();
    }

    [Fact]
    public async Task ACancelledTask_StopsItsCall_AndStaysCancelled()
    {
        var host = fixture.Host;
        var id = await StartTaskAsync(host, "slow_compute", new JsonObject { ["seconds"] = 60 });

        var ack = await ResultAsync(host, "tasks/cancel", id, new JsonObject { ["taskId"] = id });
        var again = await ResultAsync(host, "tasks/cancel", id, new JsonObject { ["taskId"] = id });
        var cancelled = await ResultAsync(host, "tasks/get", id, new JsonObject { ["taskId"] = id });

        ack["resultType"]!.GetValue<string>().Should().Be("complete");
        again["resultType"]!.GetValue<string>().Should().Be("complete");
        cancelled["status"]!.GetValue<string>().Should().Be("cancelled");
        cancelled["result"].Should().BeNull();
    }

    [Fact]
    public async Task AToolError_CompletesTheTaskWithAnErrorResult_AndACrashFailsIt()
    {
        var host = fixture.Host;
        var failing = await StartTaskAsync(host, "failing_job", []);
        var crashing = await StartTaskAsync(host, "protocol_error_job", []);

        var completed = await UntilAsync(host, failing, s => s is "completed" or "failed");
        var failed = await UntilAsync(host, crashing, s => s is "completed" or "failed");

        completed["status"]!.GetValue<string>().Should().Be("completed");
        completed["result"]!["isError"]!.GetValue<bool>().Should().BeTrue();
        completed["result"]!["content"]![0]!["text"]!.GetValue<string>().Should().Contain("its input was rejected");
        failed["status"]!.GetValue<string>().Should().Be("failed");
        failed["error"]!["code"]!.GetValue<int>().Should().Be(-32603);
        failed["error"]!["message"]!.GetValue<string>().Should().Contain("server's log").And.NotContain("crashed");
        failed["result"].Should().BeNull();
    }

    [Fact]
    public async Task WithoutTheExtension_TasksMethodsAndRequiredTasksAreRefused_AndOptionalOnesAnswerInTheRequest()
    {
        var host = fixture.Host;

        var (getStatus, get) = await SendAsync(host, "tasks/get", "any", new JsonObject { ["taskId"] = "any" }, declareTasks: false);
        var (requiredStatus, required) = await SendAsync(host, "tools/call", "failing_job", new JsonObject { ["name"] = "failing_job", ["arguments"] = new JsonObject() }, declareTasks: false);
        var optional = await ResultAsync(host, "tools/call", "slow_compute", new JsonObject { ["name"] = "slow_compute", ["arguments"] = new JsonObject { ["seconds"] = 0 } }, declareTasks: false);
        var (unknownStatus, unknown) = await SendAsync(host, "tasks/get", "not-a-task", new JsonObject { ["taskId"] = "not-a-task" });

        getStatus.Should().Be(HttpStatusCode.BadRequest);
        get["error"]!["code"]!.GetValue<int>().Should().Be(-32021);
        requiredStatus.Should().Be(HttpStatusCode.BadRequest);
        required["error"]!["data"]!["requiredCapabilities"]!["extensions"]![Tasks].Should().NotBeNull();
        optional["resultType"]!.GetValue<string>().Should().Be("complete");
        optional["content"]![0]!["text"]!.GetValue<string>().Should().Be("Computed the answer in 0 s.");
        unknownStatus.Should().Be(HttpStatusCode.OK);
        unknown["error"]!["code"]!.GetValue<int>().Should().Be(-32602);
    }

    [Fact]
    public async Task ATaskStartedOnOneHost_IsAnsweredAndPolledOnAnother_SharingSqliteFiles()
    {
        await using var hostA = await StartAsync($"--Lumina:DataDirectory={_shared.Path}");
        await using var hostB = await StartAsync($"--Lumina:DataDirectory={_shared.Path}");

        await AnsweredElsewhereAsync(hostA, hostB);
    }

    [Fact]
    public async Task ATaskStartedOnOneHost_IsAnsweredAndPolledOnAnother_SharingRedis()
    {
        await using var redis = await RedisServer.StartAsync();
        string[] shared = ["--Lumina:Store=redis", $"--ConnectionStrings:redis={redis.ConnectionString}"];
        await using var hostA = await StartAsync(shared);
        await using var hostB = await StartAsync(shared);

        await AnsweredElsewhereAsync(hostA, hostB);

        var id = await StartTaskAsync(hostA, "slow_compute", new JsonObject { ["seconds"] = 60 });
        await ResultAsync(hostB, "tasks/cancel", id, new JsonObject { ["taskId"] = id });
        (await UntilAsync(hostA, id, s => s is not "working"))["status"]!.GetValue<string>().Should().Be("cancelled");
    }

    [Fact]
    public async Task AHostThatStops_FailsItsTasks_AndAHostThatDies_IsNoticed()
    {
        string[] shared = [$"--Lumina:DataDirectory={_shared.Path}", "--Lumina:Mcp:TaskPollInterval=00:00:00.1"];
        await using var survivor = await StartAsync(shared);
        await using var stopping = await StartAsync(shared);
        await using var dying = await StartAsync(shared);
        var stopped = await StartTaskAsync(stopping, "slow_compute", new JsonObject { ["seconds"] = 60 });
        var orphaned = await StartTaskAsync(dying, "slow_compute", new JsonObject { ["seconds"] = 60 });

        (await stopping.StopAsync()).Should().Be(0);
        dying.Process.Kill(entireProcessTree: true);
        var afterStop = await ResultAsync(survivor, "tasks/get", stopped, new JsonObject { ["taskId"] = stopped });
        var afterDeath = await UntilAsync(survivor, orphaned, s => s is not "working");

        afterStop["status"]!.GetValue<string>().Should().Be("failed");
        afterStop["error"]!["message"]!.GetValue<string>().Should().Contain("host stopped");
        afterDeath["status"]!.GetValue<string>().Should().Be("failed");
        afterDeath["error"]!["message"]!.GetValue<string>().Should().Contain("stopped before it finished");
    }

    /// <summary>Host A runs a task whose question host B shows; B takes the answer; A's call goes on with it; B shows the result.</summary>
    private async Task AnsweredElsewhereAsync(HttpHost hostA, HttpHost hostB)
    {
        var id = await StartTaskAsync(hostA, "multi_input", []);

        var waiting = await UntilAsync(hostB, id, s => s is "input_required", open: 2);
        var keys = waiting["inputRequests"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        await ResultAsync(hostB, "tasks/update", id, new JsonObject { ["taskId"] = id, ["inputResponses"] = new JsonObject { ["name"] = Accept("name", "Ada") } });
        var partly = await ResultAsync(hostA, "tasks/get", id, new JsonObject { ["taskId"] = id });
        await ResultAsync(hostB, "tasks/update", id, new JsonObject { ["taskId"] = id, ["inputResponses"] = new JsonObject { ["confirm"] = Accept("confirm", true) } });
        var done = await UntilAsync(hostB, id, s => s is "completed");

        keys.Should().Equal("confirm", "name");
        partly["status"]!.GetValue<string>().Should().Be("input_required");
        partly["inputRequests"]!.AsObject().Select(p => p.Key).Should().Equal("confirm");
        done["result"]!["content"]![0]!["text"]!.GetValue<string>().Should().Be("name=Ada, confirm=True");
    }

    /// <summary>The host with the default settings that the single-host tests share.</summary>
    public sealed class DefaultHost : IAsyncLifetime
    {
        internal HttpHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await StartAsync();

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    private static Task<HttpHost> StartAsync(params string[] more) => HttpHost.StartAsync(
        [$"--Lumina:Plugins:Directories:0={LuminaProcess.ConformancePluginDirectory}", "--Lumina:Auth:AnonymousRole=user", .. more]);

    private async Task<string> StartTaskAsync(HttpHost host, string tool, JsonObject arguments)
    {
        var created = await ResultAsync(host, "tools/call", tool, new JsonObject { ["name"] = tool, ["arguments"] = arguments });
        created["resultType"]!.GetValue<string>().Should().Be("task", "{0} supports tasks and the request declares the extension", tool);
        return created["taskId"]!.GetValue<string>();
    }

    /// <summary>Polls <c>tasks/get</c> until the status matches (and, when asked, that many questions are open).</summary>
    private async Task<JsonObject> UntilAsync(HttpHost host, string id, Func<string, bool> status, int open = 0)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var task = await ResultAsync(host, "tasks/get", id, new JsonObject { ["taskId"] = id });
            if (status(task["status"]!.GetValue<string>()) && (open == 0 || (task["inputRequests"] as JsonObject)?.Count >= open))
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

    /// <summary>A stateless 2026-07-28 request on the wire, declaring elicitation (and the tasks extension unless told not to).</summary>
    private async Task<(HttpStatusCode Status, JsonObject Answer)> SendAsync(HttpHost host, string method, string name, JsonObject parameters, bool declareTasks = true, string? bearer = null)
    {
        var capabilities = new JsonObject { ["elicitation"] = new JsonObject() };
        if (declareTasks)
        {
            capabilities["extensions"] = new JsonObject { [Tasks] = new JsonObject() };
        }

        parameters["_meta"] = new JsonObject
        {
            ["io.modelcontextprotocol/protocolVersion"] = "2026-07-28",
            ["io.modelcontextprotocol/clientCapabilities"] = capabilities,
        };
        var id = Interlocked.Increment(ref _id);
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString();
        using var request = RawMcpSession.Post(host.McpEndpoint, body, "2026-07-28", sessionId: null);
        request.Headers.Add("Mcp-Method", method);
        request.Headers.Add("Mcp-Name", name);
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var answer = response.Content.Headers.ContentType?.MediaType == "application/json"
            ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject()
            : RawMcpSession.Answer(await RawMcpSession.ReadEventsAsync(response), id)!;
        return (response.StatusCode, answer);
    }

    private static JsonObject Accept(string field, JsonNode value) => new()
    {
        ["action"] = "accept",
        ["content"] = new JsonObject { [field] = value },
    };
}
