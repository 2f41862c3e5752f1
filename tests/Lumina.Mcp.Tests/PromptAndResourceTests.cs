using ModelContextProtocol.Protocol;

namespace Lumina.Mcp.Tests;

public sealed class PromptAndResourceTests : IDisposable
{
    private readonly string _prompts = Directory.CreateTempSubdirectory("lumina-prompts-").FullName;

    public PromptAndResourceTests()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_prompts, "writing", "haiku")).FullName;
        File.WriteAllText(Path.Combine(folder, "skprompt.txt"), "Write a haiku about {{$topic}} in a {{$tone}} tone.");
        File.WriteAllText(Path.Combine(folder, "config.json"), """
            {
              "schema": 1,
              "description": "Writes a haiku.",
              "input_variables": [
                { "name": "topic", "description": "What the haiku is about.", "is_required": true },
                { "name": "tone", "description": "The tone.", "is_required": false, "default": "calm",
                  "json_schema": "{\"type\":\"string\",\"enum\":[\"calm\",\"cheerful\",\"curt\"]}" }
              ]
            }
            """);
    }

    public void Dispose() => Directory.Delete(_prompts, recursive: true);

    private Dictionary<string, string?> Settings => new()
    {
        ["Lumina:Prompts:Directories:0"] = _prompts,
        ["Lumina:Prompts:BuiltIn"] = "false",
    };

    [Fact]
    public async Task ListPrompts_PromptTemplateAndNativePrompt_HaveArguments()
    {
        await using var harness = await McpHarness.StartAsync(settings: Settings);

        var prompts = (await harness.Client.ListPromptsAsync()).ToDictionary(p => p.Name);

        prompts.Keys.Should().Contain(["writing_haiku", "sample_greeting"]);
        var haiku = prompts["writing_haiku"].ProtocolPrompt;
        haiku.Description.Should().Be("Writes a haiku.");
        haiku.Arguments!.Select(a => (a.Name, a.Required)).Should().Equal(("topic", true), ("tone", false));
        haiku.Arguments.Should().OnlyContain(a => !string.IsNullOrWhiteSpace(a.Description));
    }

    [Fact]
    public async Task GetPrompt_Template_RendersWithArgumentsAndDefaults()
    {
        await using var harness = await McpHarness.StartAsync(settings: Settings);

        var result = await harness.Client.GetPromptAsync("writing_haiku", new Dictionary<string, object?> { ["topic"] = "rain" });

        ((TextContentBlock)result.Messages.Single().Content).Text.Should().Be("Write a haiku about rain in a calm tone.");
    }

    [Fact]
    public async Task GetPrompt_MissingRequiredArgument_IsProtocolError()
    {
        await using var harness = await McpHarness.StartAsync(settings: Settings);

        var get = async () => await harness.Client.GetPromptAsync("writing_haiku");

        (await get.Should().ThrowAsync<ModelContextProtocol.McpProtocolException>()).Which.Message.Should().Contain("topic");
    }

    [Fact]
    public async Task GetPrompt_NativePrompt_ReturnsItsMessages()
    {
        await using var harness = await McpHarness.StartAsync(settings: Settings);

        var result = await harness.Client.GetPromptAsync("sample_greeting", new Dictionary<string, object?> { ["name"] = "Ada" });

        result.Messages.Select(m => (m.Role, ((TextContentBlock)m.Content).Text)).Should().Equal((Role.User, "Greet Ada."), (Role.Assistant, "Hello!"));
    }

    [Fact]
    public async Task CallTool_PromptTemplate_RunsOnTheClientsModelThroughSampling()
    {
        CreateMessageRequestParams? seen = null;
        await using var harness = await McpHarness.StartAsync(
            o => o.Handlers.SamplingHandler = (request, _, _) =>
            {
                seen = request;
                return ValueTask.FromResult(new CreateMessageResult { Model = "m", Role = Role.Assistant, Content = [new TextContentBlock { Text = "rain falls softly" }] });
            },
            Settings);

        var result = await harness.Client.CallToolAsync("writing_haiku", new Dictionary<string, object?> { ["topic"] = "rain", ["tone"] = "curt" });

        result.IsError.Should().NotBe(true);
        ((TextContentBlock)result.Content.Single()).Text.Should().Be("rain falls softly");
        seen!.Messages.SelectMany(m => m.Content).OfType<TextContentBlock>().Select(t => t.Text).Should().Contain(t => t.Contains("about rain in a curt tone"));
    }

    [Fact]
    public async Task CallTool_PromptTemplateTwice_SecondRequestCarriesEarlierTurnsAndRelevantFacts()
    {
        var requests = new List<CreateMessageRequestParams>();
        await using var harness = await McpHarness.StartAsync(
            o => o.Handlers.SamplingHandler = (request, _, _) =>
            {
                lock (requests)
                {
                    requests.Add(request!);
                }

                return ValueTask.FromResult(new CreateMessageResult { Model = "m", Role = Role.Assistant, Content = [new TextContentBlock { Text = $"haiku number {requests.Count}" }] });
            },
            Settings);
        await harness.Client.CallToolAsync("memory_remember", new Dictionary<string, object?> { ["text"] = "The user loves haiku about autumn rain" });

        await harness.Client.CallToolAsync("writing_haiku", new Dictionary<string, object?> { ["topic"] = "rain" });
        await harness.Client.CallToolAsync("writing_haiku", new Dictionary<string, object?> { ["topic"] = "autumn rain" });

        requests.Should().HaveCount(2);
        var second = requests[1];
        second.SystemPrompt.Should().Contain("The user loves haiku about autumn rain");
        var texts = second.Messages.Select(m => (m.Role, string.Concat(m.Content.OfType<TextContentBlock>().Select(t => t.Text)))).ToList();
        texts.Should().Equal(
            (Role.User, "Write a haiku about rain in a calm tone."),
            (Role.Assistant, "haiku number 1"),
            (Role.User, "Write a haiku about autumn rain in a calm tone."));
    }

    [Fact]
    public async Task CallTool_PromptTemplateWithoutSamplingOrProvider_SaysHowToConfigureAProvider()
    {
        await using var harness = await McpHarness.StartAsync(settings: Settings);

        var result = await harness.Client.CallToolAsync("writing_haiku", new Dictionary<string, object?> { ["topic"] = "rain" });

        result.IsError.Should().BeTrue();
        ((TextContentBlock)result.Content.Single()).Text.Should().Contain("provider").And.Contain("Lumina__Providers__");
    }

    [Theory]
    [InlineData("c", new[] { "calm", "cheerful", "curt" })]
    [InlineData("CH", new[] { "cheerful" })]
    [InlineData("x", new string[0])]
    public async Task Complete_PromptTemplateArgument_OffersEnumValuesByPrefix(string typed, string[] expected)
    {
        await using var harness = await McpHarness.StartAsync(settings: Settings);

        var result = await harness.Client.CompleteAsync(new PromptReference { Name = "writing_haiku" }, "tone", typed);

        result.Completion.Values.Should().Equal(expected);
    }

    [Fact]
    public async Task Complete_NativePromptAndTemplateArguments_OfferDeclaredValues()
    {
        await using var harness = await McpHarness.StartAsync(settings: Settings);

        var prompt = await harness.Client.CompleteAsync(new PromptReference { Name = "sample_greeting" }, "name", "A");
        var resource = await harness.Client.CompleteAsync(new ResourceTemplateReference { Uri = "sample://items/{id}" }, "id", "al");
        var unknown = await harness.Client.CompleteAsync(new PromptReference { Name = "nope" }, "x", "");

        prompt.Completion.Values.Should().Equal("Ada", "Alan");
        resource.Completion.Values.Should().Equal("alpha", "alps");
        unknown.Completion.Values.Should().BeEmpty();
    }

    [Fact]
    public async Task Resources_StaticAndTemplate_AreListedAndRead()
    {
        await using var harness = await McpHarness.StartAsync(settings: Settings);

        var resources = await harness.Client.ListResourcesAsync();
        var templates = await harness.Client.ListResourceTemplatesAsync();
        var note = await harness.Client.ReadResourceAsync("sample://note");
        var item = await harness.Client.ReadResourceAsync("sample://items/42");

        resources.Select(r => r.Uri).Should().Contain("sample://note");
        templates.Select(t => t.UriTemplate).Should().Contain("sample://items/{id}");
        ((TextResourceContents)note.Contents.Single()).Text.Should().Be("the note");
        var itemText = (TextResourceContents)item.Contents.Single();
        itemText.Text.Should().Be("item 42");
        itemText.Uri.Should().Be("sample://items/42");
        itemText.MimeType.Should().Be("text/plain");
    }

    [Fact]
    public async Task ResourceTemplate_WithReservedAndQueryExpressions_MatchesWhatTheyExpandTo()
    {
        await using var harness = await McpHarness.StartAsync(settings: Settings);

        var nested = await harness.Client.ReadResourceAsync("sample://files/docs/a/b.md");
        var queried = await harness.Client.ReadResourceAsync("sample://files/readme.md?version=2");
        var empty = await FluentActions.Awaiting(() => harness.Client.ReadResourceAsync("sample://files/").AsTask()).Should().ThrowAsync<ModelContextProtocol.McpProtocolException>();

        ((TextResourceContents)nested.Contents.Single()).Text.Should().Be("file docs/a/b.md", "{+path} takes the slashes too");
        ((TextResourceContents)queried.Contents.Single()).Text.Should().Be("file readme.md", "{?version} matches the query, which is no part of the path");
        empty.Which.Message.Should().Contain("sample://files/");
    }

    [Fact]
    public async Task SubscribeResource_WhenPluginReportsChange_NotifiesSubscriberUntilUnsubscribed()
    {
        var updates = System.Threading.Channels.Channel.CreateUnbounded<string>();
        await using var harness = await McpHarness.StartAsync(o => o.Handlers.NotificationHandlers =
        [
            new(NotificationMethods.ResourceUpdatedNotification, (n, _) =>
            {
                updates.Writer.TryWrite(System.Text.Json.JsonSerializer.Deserialize<ResourceUpdatedNotificationParams>(n.Params)!.Uri);
                return ValueTask.CompletedTask;
            }),
        ]);

        await harness.Client.SubscribeToResourceAsync("sample://note");
        await harness.Client.CallToolAsync("sample_touch");
        (await updates.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30))).Should().Be("sample://note");

        await harness.Client.UnsubscribeFromResourceAsync("sample://note");
        await harness.Client.CallToolAsync("sample_touch");
        await harness.Client.PingAsync();
        updates.Reader.TryRead(out _).Should().BeFalse();
    }
}
