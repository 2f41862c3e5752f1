using System.Collections.Concurrent;
using System.Text.Json;
using Lumina.Testing;
using Lumina.Testing.Providers;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary><c>ask</c> end to end: the real host over stdio, configured only through environment variables.</summary>
public sealed class AskHostTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _root = new();

    public AskHostTests()
    {
        File.WriteAllText(_root.Combine("release.txt"), "Version 4.2 ships on Friday.\n");
    }

    public void Dispose()
    {
        _data.Dispose();
        _root.Dispose();
    }

    [Fact]
    public async Task Ask_TheScriptedModelReadsAFileThroughTheFilesTool_AndAnswersWithUsageAndCost()
    {
        await using var model = new ScriptedOpenAiServer(200);
        model.Enqueue(ScriptedReply.Call("files_read", """{"path":"release.txt"}"""), ScriptedReply.Answer("Version 4.2 ships on Friday."));
        var progress = new ConcurrentQueue<ProgressNotificationParams>();
        await using var client = await StartAsync(
            Provider("main", model.Endpoint, 1, ("InputPricePerMillion", "3"), ("OutputPricePerMillion", "15")),
            new McpClientOptions
            {
                Handlers = new()
                {
                    NotificationHandlers =
                    [
                        new(NotificationMethods.ProgressNotification, (n, _) =>
                        {
                            progress.Enqueue(JsonSerializer.Deserialize<ProgressNotificationParams>(n.Params)!);
                            return ValueTask.CompletedTask;
                        }),
                    ],
                },
            });

        var result = await client.CallToolAsync("ask", new Dictionary<string, object?> { ["message"] = "When does 4.2 ship?" }, progress: new Progress<ProgressNotificationValue>());

        result.IsError.Should().NotBe(true, string.Join('\n', result.Content.OfType<TextContentBlock>().Select(t => t.Text)));
        var answer = result.StructuredContent!.Value;
        answer.GetProperty("answer").GetString().Should().Be("Version 4.2 ships on Friday.");
        answer.GetProperty("provider").GetString().Should().Be("main");
        answer.GetProperty("toolCalls")[0].GetProperty("tool").GetString().Should().Be("files_read");
        answer.GetProperty("usage").GetProperty("inputTokens").GetInt64().Should().Be(22);
        answer.GetProperty("usage").GetProperty("cost").GetDecimal().Should().Be(0.000156m);
        model.Received[1]["messages"]!.ToJsonString().Should().Contain("Version 4.2 ships on Friday.", "the file's text went back to the model");
        await WaitUntil(() => progress.Any(p => p.Progress.Message?.Contains("calling files_read", StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task AnthropicFirst_OpenAiCompatibleSecond_AskUsesToolsThroughAnthropic_AndFallsBackWhenItFails()
    {
        await using var claude = new ScriptedAnthropicServer();
        claude.ReplyToolUse("toolu_1", "files_read", new System.Text.Json.Nodes.JsonObject { ["path"] = "release.txt" });
        claude.ReplyText("Friday, says release.txt.");
        claude.ReplyError(529, "overloaded_error", "Overloaded");
        await using var backup = new ScriptedOpenAiServer(200, "Backup: Friday.");
        await using var client = await StartAsync([
            .. Provider("claude", claude.Endpoint, 1, ("Kind", "anthropic"), ("InputPricePerMillion", "3"), ("OutputPricePerMillion", "15")),
            .. Provider("backup", backup.Endpoint, 2),
            new("Lumina__Routing__Retries__ServerError", "0")]);

        var first = await client.CallToolAsync("ask", new Dictionary<string, object?> { ["message"] = "When does it ship?" });
        var second = await client.CallToolAsync("ask", new Dictionary<string, object?> { ["message"] = "And again?" });

        first.IsError.Should().NotBe(true, string.Join('\n', first.Content.OfType<TextContentBlock>().Select(t => t.Text)));
        var answer = first.StructuredContent!.Value;
        answer.GetProperty("answer").GetString().Should().Be("Friday, says release.txt.");
        answer.GetProperty("provider").GetString().Should().Be("claude");
        answer.GetProperty("toolCalls")[0].GetProperty("tool").GetString().Should().Be("files_read");
        answer.GetProperty("usage").GetProperty("cost").GetDecimal().Should().BeGreaterThan(0);
        claude.Requests[1].Body.Should().Contain("Version 4.2 ships on Friday.", "the tool result went back to Claude");
        second.StructuredContent!.Value.GetProperty("provider").GetString().Should().Be("backup", "a 529 from Anthropic moves the call on");
        second.StructuredContent!.Value.GetProperty("answer").GetString().Should().Be("Backup: Friday.");
    }

    [Fact]
    public async Task KillingTheFirstProviderMidRun_MovesAskToTheSecond_WithNoFailedAsk()
    {
        var first = new ScriptedOpenAiServer(200, "from first");
        await using var second = new ScriptedOpenAiServer(200, "from second");
        await using var client = await StartAsync([.. Provider("first", first.Endpoint, 1), .. Provider("second", second.Endpoint, 2)]);
        var providers = new List<string>();

        for (var i = 0; i < 6; i++)
        {
            if (i == 3)
            {
                await first.DisposeAsync();
            }

            var result = await client.CallToolAsync("ask", new Dictionary<string, object?> { ["message"] = $"question {i}" });
            result.IsError.Should().NotBe(true);
            providers.Add(result.StructuredContent!.Value.GetProperty("provider").GetString()!);
        }

        providers.Should().Equal("first", "first", "first", "second", "second", "second");
    }

    [Fact]
    public async Task WithNoProviderConfigured_AskUsesTheClientsOwnModelThroughSampling()
    {
        var questions = new ConcurrentQueue<string>();
        await using var client = await StartAsync([], new McpClientOptions
        {
            Handlers = new()
            {
                SamplingHandler = (request, _, _) =>
                {
                    questions.Enqueue(string.Join('\n', request!.Messages.SelectMany(m => m.Content).OfType<TextContentBlock>().Select(t => t.Text)));
                    return ValueTask.FromResult(new CreateMessageResult
                    {
                        Model = "client-model",
                        Role = Role.Assistant,
                        Content = [new TextContentBlock { Text = "The client's model answers." }],
                    });
                },
            },
        });

        var result = await client.CallToolAsync("ask", new Dictionary<string, object?> { ["message"] = "Who answers?" });

        result.IsError.Should().NotBe(true, string.Join('\n', result.Content.OfType<TextContentBlock>().Select(t => t.Text)));
        result.StructuredContent!.Value.GetProperty("answer").GetString().Should().Be("The client's model answers.");
        result.StructuredContent!.Value.GetProperty("provider").GetString().Should().Be("sampling");
        questions.Should().ContainSingle().Which.Should().Contain("Who answers?");
    }

    [Fact]
    public async Task WithNoProviderConfigured_AClientThatTakesSamplingTools_HasItsModelCallLuminasTools()
    {
        var requests = new ConcurrentQueue<CreateMessageRequestParams>();
        await using var client = await StartAsync([], new McpClientOptions
        {
            Capabilities = new ClientCapabilities { Sampling = new SamplingCapability { Tools = new SamplingToolsCapability() } },
            Handlers = new()
            {
                SamplingHandler = (request, _, _) =>
                {
                    requests.Enqueue(request!);

                    // First the model reads the file through Lumina's tool; then, with its content, it answers.
                    var result = requests.Count == 1
                        ? new CreateMessageResult
                        {
                            Model = "client-model",
                            Role = Role.Assistant,
                            StopReason = "toolUse",
                            Content = [new ToolUseContentBlock { Id = "call-1", Name = "files_read", Input = JsonDocument.Parse("""{"path":"release.txt"}""").RootElement.Clone() }],
                        }
                        : new CreateMessageResult { Model = "client-model", Role = Role.Assistant, Content = [new TextContentBlock { Text = "It ships on Friday." }] };
                    return ValueTask.FromResult(result);
                },
            },
        });

        var result = await client.CallToolAsync("ask", new Dictionary<string, object?> { ["message"] = "When does 4.2 ship?" });

        result.IsError.Should().NotBe(true, string.Join('\n', result.Content.OfType<TextContentBlock>().Select(t => t.Text)));
        result.StructuredContent!.Value.GetProperty("answer").GetString().Should().Be("It ships on Friday.");
        result.StructuredContent!.Value.GetProperty("toolCalls")[0].GetProperty("tool").GetString().Should().Be("files_read");
        var sent = requests.ToArray();
        sent.Should().HaveCount(2);
        sent[0].Tools!.Select(t => t.Name).Should().Contain("files_read").And.NotContain("ask", "ask never offers itself");
        var toolResult = sent[1].Messages.SelectMany(m => m.Content).OfType<ToolResultContentBlock>().Should().ContainSingle().Subject;
        toolResult.ToolUseId.Should().Be("call-1");
        string.Join('\n', toolResult.Content.OfType<TextContentBlock>().Select(t => t.Text)).Should().Contain("Version 4.2 ships on Friday.");
    }

    [Fact]
    public async Task WithNoProviderConfigured_AClientWithoutSamplingTools_IsSentNoTools()
    {
        var requests = new ConcurrentQueue<CreateMessageRequestParams>();
        await using var client = await StartAsync([], new McpClientOptions
        {
            Handlers = new()
            {
                SamplingHandler = (request, _, _) =>
                {
                    requests.Enqueue(request!);
                    return ValueTask.FromResult(new CreateMessageResult { Model = "client-model", Role = Role.Assistant, Content = [new TextContentBlock { Text = "From what I know." }] });
                },
            },
        });

        var result = await client.CallToolAsync("ask", new Dictionary<string, object?> { ["message"] = "When does 4.2 ship?" });

        result.IsError.Should().NotBe(true);
        requests.Should().ContainSingle().Which.Tools.Should().BeNullOrEmpty();
    }

    [Fact]
    public async Task ProvidersTool_AndResource_ShowTheConfiguredProviders()
    {
        await using var model = new ScriptedOpenAiServer(200, "hi");
        await using var client = await StartAsync(Provider("main", model.Endpoint, 1, ("ContextWindow", "128000")));

        var tool = await client.CallToolAsync("providers");
        var resource = await client.ReadResourceAsync("lumina://providers");

        tool.StructuredContent!.Value.GetProperty("providers")[0].GetProperty("name").GetString().Should().Be("main");
        ((TextResourceContents)resource.Contents.Single()).Text.Should().Contain("\"contextWindow\":128000");
    }

    private async Task<McpClient> StartAsync(IEnumerable<KeyValuePair<string, string>> environment, McpClientOptions? options = null)
    {
        var variables = environment.ToDictionary(p => p.Key, p => (string?)p.Value);
        variables["Lumina__Routing__RetryDelay"] = "00:00:00.010";
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "lumina",
            Command = "dotnet",
            Arguments = LuminaProcess.IsolatedArguments(_data.Path, $"--Lumina:Files:Roots:0={_root.Path}"),
            EnvironmentVariables = variables,
        });
        options ??= new McpClientOptions();
        options.ProtocolVersion = "2025-11-25";
        return await McpClient.CreateAsync(transport, options);
    }

    private static Dictionary<string, string> Provider(string name, string endpoint, int priority, params (string Key, string Value)[] extra)
    {
        var variables = new Dictionary<string, string>
        {
            [$"Lumina__Providers__{name}__Kind"] = "openai",
            [$"Lumina__Providers__{name}__Model"] = $"{name}-model",
            [$"Lumina__Providers__{name}__Endpoint"] = endpoint,
            [$"Lumina__Providers__{name}__ApiKey"] = "test-key",
            [$"Lumina__Providers__{name}__Priority"] = priority.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra)
        {
            variables[$"Lumina__Providers__{name}__{key}"] = value;
        }

        return variables;
    }

    private static async Task WaitUntil(Func<bool> condition) => (await Eventually.WaitAsync(condition)).Should().BeTrue();
}
