using System.Collections.Concurrent;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Lumina.Mcp.Tests;

public sealed class CallContextTests
{
    [Fact]
    public async Task CallTool_WithProgressTokenAndLogLevel_SendsProgressAndLogNotifications()
    {
        // The client hands notifications to handlers concurrently, so they are collected here and compared as sets.
        var logs = new ConcurrentQueue<string>();
        var progress = new ConcurrentQueue<ProgressNotificationParams>();
        var allSeen = new TaskCompletionSource();
        void Check()
        {
            if (logs.Count == 3 && progress.Count == 3)
            {
                allSeen.TrySetResult();
            }
        }

        await using var harness = await McpHarness.StartAsync(o => o.Handlers.NotificationHandlers =
        [
            new(NotificationMethods.LoggingMessageNotification, (n, _) =>
            {
                logs.Enqueue(JsonSerializer.Deserialize<LoggingMessageNotificationParams>(n.Params)!.Data.GetString()!);
                Check();
                return ValueTask.CompletedTask;
            }),
            new(NotificationMethods.ProgressNotification, (n, _) =>
            {
                progress.Enqueue(JsonSerializer.Deserialize<ProgressNotificationParams>(n.Params)!);
                Check();
                return ValueTask.CompletedTask;
            }),
        ]);
        await harness.Client.SetLoggingLevelAsync(LoggingLevel.Debug);

        var result = await harness.Client.CallToolAsync("sample_work", progress: new Progress<ProgressNotificationValue>());

        await allSeen.Task.WaitAsync(TimeSpan.FromSeconds(30));
        ((TextContentBlock)result.Content.Single()).Text.Should().Be("Stdio");
        progress.Select(p => p.Progress.Progress).Should().BeEquivalentTo([1f, 2f, 3f]);
        progress.Should().OnlyContain(p => p.Progress.Total == 3f);
        progress.Select(p => p.ProgressToken).Distinct().Should().ContainSingle();
        logs.Should().BeEquivalentTo("log 1", "log 2", "log 3");
    }

    [Fact]
    public async Task CallTool_WithoutLogLevel_SendsNoLogNotifications()
    {
        var logs = 0;
        await using var harness = await McpHarness.StartAsync(o => o.Handlers.NotificationHandlers =
            [new(NotificationMethods.LoggingMessageNotification, (_, _) => { Interlocked.Increment(ref logs); return ValueTask.CompletedTask; })]);

        await harness.Client.CallToolAsync("sample_work");
        await harness.Client.PingAsync();

        logs.Should().Be(0);
    }

    [Fact]
    public async Task CallTool_Sampling_AsksTheClientsModel()
    {
        await using var harness = await McpHarness.StartAsync(o => o.Handlers.SamplingHandler = (request, _, _) =>
        {
            var question = ((TextContentBlock)request!.Messages.Single().Content.Single()).Text;
            return ValueTask.FromResult(new CreateMessageResult
            {
                Model = "test-model",
                Role = Role.Assistant,
                Content = [new TextContentBlock { Text = $"answer to {question}" }],
            });
        });

        var result = await harness.Client.CallToolAsync("sample_ask_model", new Dictionary<string, object?> { ["question"] = "why" });

        ((TextContentBlock)result.Content.Single()).Text.Should().Be("model said: answer to why");
    }

    [Fact]
    public async Task CallTool_SamplingWithoutClientSupport_IsToolErrorSayingHowToConfigureAProvider()
    {
        await using var harness = await McpHarness.StartAsync();

        var result = await harness.Client.CallToolAsync("sample_ask_model", new Dictionary<string, object?> { ["question"] = "why" });

        result.IsError.Should().BeTrue();
        ((TextContentBlock)result.Content.Single()).Text.Should().Contain("sampling").And.Contain("Lumina__Providers__");
    }

    [Theory]
    [InlineData("accept", "hello Ada")]
    [InlineData("decline", "Decline")]
    [InlineData("cancel", "Cancel")]
    public async Task CallTool_Elicitation_ReturnsTheUsersAnswer(string action, string expected)
    {
        ElicitRequestParams? seen = null;
        await using var harness = await McpHarness.StartAsync(o => o.Handlers.ElicitationHandler = (request, _) =>
        {
            seen = request;
            return ValueTask.FromResult(new ElicitResult
            {
                Action = action,
                Content = action == "accept" ? new Dictionary<string, JsonElement> { ["name"] = JsonSerializer.SerializeToElement("Ada") } : null,
            });
        });

        var result = await harness.Client.CallToolAsync("sample_ask_user");

        ((TextContentBlock)result.Content.Single()).Text.Should().Be(expected);
        seen!.Message.Should().Be("Who are you?");
        seen.RequestedSchema!.Required.Should().Equal("name");
        seen.RequestedSchema.Properties["name"].Should().BeOfType<ElicitRequestParams.StringSchema>();
    }

    [Fact]
    public async Task CallTool_Roots_AreTheClientsRoots()
    {
        await using var harness = await McpHarness.StartAsync(o => o.Handlers.RootsHandler = (_, _) =>
            ValueTask.FromResult(new ListRootsResult { Roots = [new Root { Uri = "file:///work/a", Name = "a" }, new Root { Uri = "file:///work/b" }] }));

        var result = await harness.Client.CallToolAsync("sample_roots");

        ((TextContentBlock)result.Content.Single()).Text.Should().Be("file:///work/a,file:///work/b");
    }

    [Fact]
    public async Task CallTool_RootsWithoutClientSupport_IsEmpty()
    {
        await using var harness = await McpHarness.StartAsync();

        var result = await harness.Client.CallToolAsync("sample_roots");

        ((TextContentBlock)result.Content.Single()).Text.Should().BeEmpty();
    }
}
