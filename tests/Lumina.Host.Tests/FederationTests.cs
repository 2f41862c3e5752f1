using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using static Lumina.Host.Tests.Federation;

namespace Lumina.Host.Tests;

/// <summary>
/// Other MCP servers served through Lumina, against real upstreams: the TypeScript reference server
/// (<c>@modelcontextprotocol/server-everything</c>) over stdio and over streamable HTTP: what is served, and what is relayed.
/// </summary>
/// <remarks>
/// The tests that only list and call through a user's host on the reference server over stdio share one
/// (<see cref="EverythingHost"/>), each with a client of its own; those configured otherwise, and the one that restarts
/// its upstream, start their own.
/// </remarks>
public sealed class FederationTests(FederationTests.EverythingHost shared) : IClassFixture<FederationTests.EverythingHost>
{
    [Fact]
    public async Task ReferenceServerOverStdio_ItsToolsAreServedAsTheyAre_AndAnswerUnchanged()
    {
        var host = shared.Host;
        await using var client = await ConnectAsync(host);
        await using var direct = await DirectAsync();

        // The server adds tools for the capabilities its client declares, a moment after it starts.
        var upstream = (await UntilAsync(async () => await direct.ListToolsAsync(), l => l.Any(t => t.Name == "trigger-sampling-request"))).Select(t => t.ProtocolTool).ToDictionary(t => t.Name);
        var tools = (await UntilAsync(async () => await client.ListToolsAsync(), l => l.Count(t => t.Name.StartsWith("everything_", StringComparison.Ordinal)) == upstream.Count)).Select(t => t.ProtocolTool).ToDictionary(t => t.Name);
        var echo = await client.CallToolAsync("everything_echo", new Dictionary<string, object?> { ["message"] = "through Lumina" });
        var image = await client.CallToolAsync("everything_get-tiny-image");
        var structured = await client.CallToolAsync("everything_get-structured-content", new Dictionary<string, object?> { ["location"] = "New York" });
        var directStructured = await direct.CallToolAsync("get-structured-content", new Dictionary<string, object?> { ["location"] = "New York" });

        tools.Keys.Where(k => k.StartsWith("everything_", StringComparison.Ordinal)).Should().BeEquivalentTo(upstream.Keys.Select(k => "everything_" + k));
        foreach (var (name, tool) in upstream)
        {
            var served = tools["everything_" + name];
            Json(served.InputSchema).Should().Be(Json(tool.InputSchema), "{0}'s input schema is served verbatim", name);
            JsonSerializer.Serialize(served.Annotations, McpJsonUtilities.DefaultOptions).Should().Be(JsonSerializer.Serialize(tool.Annotations, McpJsonUtilities.DefaultOptions));
            served.Description.Should().Be(tool.Description);
            (served.OutputSchema is null ? null : Json(served.OutputSchema.Value)).Should().Be(tool.OutputSchema is null ? null : Json(tool.OutputSchema.Value));
        }

        echo.IsError.Should().NotBe(true);
        echo.Content.OfType<TextContentBlock>().Single().Text.Should().Be("Echo: through Lumina");
        image.Content.OfType<ImageContentBlock>().Should().ContainSingle().Which.MimeType.Should().Be("image/png");
        Json(structured.StructuredContent!.Value).Should().Be(Json(directStructured.StructuredContent!.Value));
    }

    [Fact]
    public async Task ReferenceServer_ItsPromptsAndResourcesAreServedUnderItsName_WithItsCompletionsAndUpdates()
    {
        var host = shared.Host;
        await using var client = await ConnectAsync(host);
        await using var direct = await DirectAsync();

        var upstreamPrompts = (await direct.ListPromptsAsync()).Select(p => p.ProtocolPrompt).ToList();
        var upstreamResources = (await direct.ListResourcesAsync()).Select(r => r.ProtocolResource).ToList();
        var upstreamTemplates = (await direct.ListResourceTemplatesAsync()).Select(t => t.ProtocolResourceTemplate).ToList();
        var prompts = (await client.ListPromptsAsync()).Select(p => p.ProtocolPrompt).Where(p => p.Name.StartsWith("everything_", StringComparison.Ordinal)).ToDictionary(p => p.Name);
        var resources = (await client.ListResourcesAsync()).Select(r => r.ProtocolResource).Where(r => r.Uri.StartsWith("everything+", StringComparison.Ordinal)).ToDictionary(r => r.Uri);
        var templates = (await client.ListResourceTemplatesAsync()).Select(t => t.ProtocolResourceTemplate).Where(t => t.UriTemplate.StartsWith("everything+", StringComparison.Ordinal)).ToList();

        var asked = await client.GetPromptAsync("everything_args-prompt", new Dictionary<string, object?> { ["city"] = "Paris", ["state"] = "Texas" });
        var askedDirectly = await direct.GetPromptAsync("args-prompt", new Dictionary<string, object?> { ["city"] = "Paris", ["state"] = "Texas" });
        var missing = await FluentActions.Awaiting(() => client.GetPromptAsync("everything_args-prompt").AsTask()).Should().ThrowAsync<McpProtocolException>();
        var departments = await client.CompleteAsync(new PromptReference { Name = "everything_completable-prompt" }, "department", "En");
        var people = await client.CompleteAsync(new CompleteRequestParams
        {
            Ref = new PromptReference { Name = "everything_completable-prompt" },
            Argument = new Argument { Name = "name", Value = "" },
            Context = new CompleteContext { Arguments = new Dictionary<string, string> { ["department"] = "Sales" } },
        });
        var document = upstreamResources[0];
        var read = await client.ReadResourceAsync("everything+" + document.Uri);
        var readDirectly = await direct.ReadResourceAsync(document.Uri);
        var fromTemplate = await client.ReadResourceAsync("everything+demo://resource/dynamic/text/3");

        upstreamPrompts.Should().NotBeEmpty();
        prompts.Keys.Should().BeEquivalentTo(upstreamPrompts.Select(p => "everything_" + p.Name));
        foreach (var prompt in upstreamPrompts)
        {
            var served = prompts["everything_" + prompt.Name];
            JsonSerializer.Serialize(served.Arguments, McpJsonUtilities.DefaultOptions).Should().Be(JsonSerializer.Serialize(prompt.Arguments, McpJsonUtilities.DefaultOptions), "{0}'s arguments are served verbatim", prompt.Name);
            (served.Title, served.Description).Should().Be((prompt.Title, prompt.Description));
        }

        JsonSerializer.Serialize(asked.Messages, McpJsonUtilities.DefaultOptions).Should().Be(JsonSerializer.Serialize(askedDirectly.Messages, McpJsonUtilities.DefaultOptions));
        missing.Which.Message.Should().Contain("city");
        departments.Completion.Values.Should().Equal("Engineering");
        people.Completion.Values.Should().Equal("David", "Eve", "Frank");

        resources.Keys.Should().BeEquivalentTo(upstreamResources.Select(r => "everything+" + r.Uri));
        resources["everything+" + document.Uri].Description.Should().Be(document.Description);
        templates.Select(t => t.UriTemplate).Should().BeEquivalentTo(upstreamTemplates.Select(t => "everything+" + t.UriTemplate));
        var readText = read.Contents.OfType<TextResourceContents>().Single();
        readText.Uri.Should().Be("everything+" + document.Uri, "a content's URI is the one it is read under here");
        readText.Text.Should().Be(readDirectly.Contents.OfType<TextResourceContents>().Single().Text);
        fromTemplate.Contents.OfType<TextResourceContents>().Single().Text.Should().StartWith("Resource 3: This is a plaintext resource");

        var described = await client.CallToolAsync("system_describe");
        var everything = JsonDocument.Parse(Text(described)).RootElement.GetProperty("servers").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "everything");
        everything.GetProperty("promptCount").GetInt32().Should().Be(upstreamPrompts.Count);
        everything.GetProperty("resourceCount").GetInt32().Should().Be(upstreamResources.Count + upstreamTemplates.Count);

        // A resource an answer links to is named by its served URI, so the client can read it here.
        var links = (await client.CallToolAsync("everything_get-resource-links", new Dictionary<string, object?> { ["count"] = 2 })).Content.OfType<ResourceLinkBlock>().ToList();
        var followed = await client.ReadResourceAsync(links.Single(l => l.Uri.Contains("/text/", StringComparison.Ordinal)).Uri);
        links.Should().HaveCount(2).And.OnlyContain(l => l.Uri.StartsWith("everything+demo://", StringComparison.Ordinal));
        followed.Contents.OfType<TextResourceContents>().Single().Text.Should().StartWith("Resource 2: This is a plaintext resource");

        // A subscription reaches the upstream, and its updates reach the subscriber under the served URI.
        var updated = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.SubscribeToResourceAsync("everything+" + document.Uri, (notification, _) =>
        {
            updated.TrySetResult(notification.Uri);
            return ValueTask.CompletedTask;
        });
        await client.CallToolAsync("everything_toggle-subscriber-updates");

        (await updated.Task.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be("everything+" + document.Uri);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheCallersTraceGoesOnUpstream(bool recorded)
    {
        const string TraceId = "0af7651916cd43dd8448eb211c80319c";
        const string Parent = $"00-{TraceId}-b7ad6b7169203331-01";
        await using var host = await HttpHost.StartAsync(
            // Spans are recorded (and exported to nowhere) when an OTLP endpoint is set.
            recorded ? new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{Lumina.Testing.LoopbackHttpServer.FreePort()}" } : null,
            "--Lumina:Auth:AnonymousRole=user", "--Lumina:Servers:rug:Command=node", $"--Lumina:Servers:rug:Args:0={LuminaProcess.RugPullServer}");
        await using var client = await ConnectAsync(host);
        await client.ListToolsAsync();

        var traced = await client.CallToolAsync("rug_trace", options: new RequestOptions { Meta = new System.Text.Json.Nodes.JsonObject { ["traceparent"] = Parent, ["tracestate"] = "vendor=1" } });
        var garbled = await client.CallToolAsync("rug_trace", options: new RequestOptions { Meta = new System.Text.Json.Nodes.JsonObject { ["traceparent"] = "not a trace" } });

        var upstream = JsonDocument.Parse(Text(traced)).RootElement;
        upstream.GetProperty("traceparent").GetString().Should().StartWith($"00-{TraceId}-", "the upstream call is part of the caller's trace");
        if (recorded)
        {
            upstream.GetProperty("traceparent").GetString().Should().NotBe(Parent, "its parent is a span Lumina recorded");
        }
        else
        {
            upstream.GetProperty("traceparent").GetString().Should().Be(Parent, "Lumina records no span, so the caller's stays the parent");
            upstream.GetProperty("tracestate").GetString().Should().Be("vendor=1");
        }

        JsonDocument.Parse(Text(garbled)).RootElement.TryGetProperty("traceparent", out var passed).Should().Be(recorded, "an invalid trace context is not passed on");
        if (recorded)
        {
            passed.GetString().Should().NotContain("not a trace");
        }
    }

    [Fact]
    public async Task TheUpstreamsQuestionsAndProgress_ReachTheClientWhoseCallItIs()
    {
        var host = shared.Host;
        var asked = new List<string>();
        var sampled = new List<string>();
        await using var client = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = host.McpEndpoint }),
            new McpClientOptions
            {
                ProtocolVersion = "2025-11-25",
                Handlers = new McpClientHandlers
                {
                    ElicitationHandler = (request, _) =>
                    {
                        asked.Add(request!.Message);
                        return ValueTask.FromResult(Accepted());
                    },
                    SamplingHandler = (request, _, _) =>
                    {
                        sampled.Add(string.Concat(request!.Messages.SelectMany(m => m.Content).OfType<TextContentBlock>().Select(t => t.Text)));
                        return ValueTask.FromResult(new CreateMessageResult { Role = Role.Assistant, Model = "downstream-model", Content = [new TextContentBlock { Text = "the client's model answered" }] });
                    },
                },
            });
        await UntilAsync(async () => (await client.ListToolsAsync()).Select(t => t.Name).ToList(), names => names.Contains("everything_trigger-sampling-request") && names.Contains("everything_trigger-elicitation-request"));
        var progress = new List<ProgressNotificationValue>();

        var elicited = await client.CallToolAsync("everything_trigger-elicitation-request");
        var sampling = await client.CallToolAsync("everything_trigger-sampling-request", new Dictionary<string, object?> { ["prompt"] = "What is relayed?" });
        var longRun = await client.CallToolAsync("everything_trigger-long-running-operation", new Dictionary<string, object?> { ["duration"] = 2, ["steps"] = 4 }, new SyncProgress(progress));

        asked.Should().Contain(m => m.StartsWith("Please provide inputs", StringComparison.Ordinal), "the upstream's own question reached this client");
        Text(elicited).Should().Contain("User provided");
        sampled.Should().ContainSingle().Which.Should().Contain("What is relayed?");
        Text(sampling).Should().Contain("the client's model answered");
        longRun.IsError.Should().NotBe(true);
        // Steps half a second apart: the early ones are surely relayed before the answer (the SDK drops a report that
        // arrives after its call's answer, so the last one may race it).
        progress.Should().HaveCountGreaterThanOrEqualTo(2);
        progress.Select(p => p.Total).Should().AllBeEquivalentTo(4f);
        progress.Select(p => p.Progress).Should().BeInAscendingOrder();
    }

    [Fact]
    public async Task AStatelessClient_AnswersTheUpstreamsQuestionInItsNextRequest()
    {
        var host = shared.Host;
        var asked = new List<string>();
        await using var client = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = host.McpEndpoint }),
            new McpClientOptions
            {
                ProtocolVersion = "2026-07-28",
                Handlers = new McpClientHandlers
                {
                    ElicitationHandler = (request, _) =>
                    {
                        asked.Add(request!.Message);
                        return ValueTask.FromResult(Accepted());
                    },
                },
            });
        await UntilAsync(async () => (await client.ListToolsAsync()).Select(t => t.Name).ToList(), names => names.Contains("everything_trigger-elicitation-request"));

        var elicited = await client.CallToolAsync("everything_trigger-elicitation-request");

        asked.Should().Contain(m => m.StartsWith("Please provide inputs", StringComparison.Ordinal));
        Text(elicited).Should().Contain("User provided");
    }

    [Fact]
    public async Task AClientThatCannotSample_GivesTheUpstreamAnError_NotAHang()
    {
        var host = shared.Host;
        await using var client = await ConnectAsync(host);
        await UntilAsync(async () => (await client.ListToolsAsync()).Select(t => t.Name).ToList(), names => names.Contains("everything_trigger-sampling-request"));

        using var within = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var sampling = await client.CallToolAsync("everything_trigger-sampling-request", new Dictionary<string, object?> { ["prompt"] = "anyone?" }, cancellationToken: within.Token);

        Text(sampling).Should().ContainAny("cannot", "sampling", "Error", "error");
    }

    [Fact]
    public async Task ReferenceServerOverStreamableHttp_IsServedToo_AndAfterItRestartsItsNewSessionIsUsed()
    {
        var port = Lumina.Testing.LoopbackHttpServer.FreePort();
        var upstream = StartReferenceServer(port);
        try
        {
            await WaitForPortAsync(port);
            await using var host = await HttpHost.StartAsync($"--Lumina:Servers:remote:Url=http://127.0.0.1:{port}/mcp", "--Lumina:Auth:AnonymousRole=user");
            await using var client = await ConnectAsync(host);

            var sum = await client.CallToolAsync("remote_get-sum", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 40 });

            // The server restarts and forgets Lumina's session: Lumina initializes a new one.
            upstream.Kill(entireProcessTree: true);
            await upstream.WaitForExitAsync();
            upstream.Dispose();
            upstream = StartReferenceServer(port);
            await WaitForPortAsync(port);
            var again = await UntilAsync(
                () => client.CallToolAsync("remote_get-sum", new Dictionary<string, object?> { ["a"] = 1, ["b"] = 1 }).AsTask(),
                r => r.IsError != true);

            sum.IsError.Should().NotBe(true);
            sum.Content.OfType<TextContentBlock>().Single().Text.Should().Contain("42");
            again.IsError.Should().NotBe(true, Text(again));
            again.Content.OfType<TextContentBlock>().Single().Text.Should().Contain("2");
        }
        finally
        {
            upstream.Kill(entireProcessTree: true);
            await upstream.WaitForExitAsync();
            upstream.Dispose();
        }
    }

    [Fact]
    public async Task AGuest_SeesAndCallsOnlyTheReadOnlyUpstreamTools()
    {
        await using var host = await HttpHost.StartAsync([.. Everything, "--Lumina:Auth:AnonymousRole=guest"]);
        await using var client = await ConnectAsync(host);

        var listed = (await client.ListToolsAsync()).Select(t => t.Name).ToHashSet();
        var refused = await client.CallToolAsync("everything_toggle-simulated-logging");
        var allowed = await client.CallToolAsync("everything_echo", new Dictionary<string, object?> { ["message"] = "read-only" });

        listed.Should().Contain("everything_echo").And.NotContain("everything_toggle-simulated-logging");
        refused.IsError.Should().BeTrue();
        refused.Content.OfType<TextContentBlock>().Single().Text.Should().Contain("permission");
        allowed.IsError.Should().NotBe(true);
    }

    /// <summary>The host the tests share: the reference server over stdio as the upstream <c>everything</c>; callers without credentials are users.</summary>
    public sealed class EverythingHost : IAsyncLifetime
    {
        internal HttpHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await HttpHost.StartAsync([.. Everything, "--Lumina:Auth:AnonymousRole=user"]);

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }
}
