using System.Text.Json;
using Lumina.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Lumina.Mcp.Tests;

public sealed class ToolMappingTests
{
    [Fact]
    public async Task ListTools_PluginFunctions_AreNamedPluginFunctionWithDescriptions()
    {
        await using var harness = await McpHarness.StartAsync();

        var tools = await harness.Client.ListToolsAsync();

        tools.Select(t => t.Name).Should().Contain(["sample_echo", "sample_weather", "exact.wipe", "sample_work"]);
        tools.Should().OnlyContain(t => !string.IsNullOrWhiteSpace(t.Description) && t.Name.Length <= 64);
        tools.Select(t => t.Name).Should().NotContain(["sample_note", "sample_item", "sample_greeting"], "resources and prompts are not tools");
    }

    [Fact]
    public async Task ListTools_InputSchema_HasRequiredDefaultsAndEnums()
    {
        await using var harness = await McpHarness.StartAsync();

        var tools = (await harness.Client.ListToolsAsync()).ToDictionary(t => t.Name);
        var echo = tools["sample_echo"].ProtocolTool.InputSchema;
        var weather = tools["sample_weather"].ProtocolTool.InputSchema;

        echo.GetProperty("type").GetString().Should().Be("object");
        echo.GetProperty("required").EnumerateArray().Select(e => e.GetString()).Should().Equal("text");
        echo.GetProperty("properties").GetProperty("text").GetProperty("description").GetString().Should().Be("The text to echo.");
        var times = echo.GetProperty("properties").GetProperty("times");
        times.GetProperty("default").GetInt32().Should().Be(1);
        JsonSerializer.Serialize(times).Should().NotContain("condition");
        weather.GetProperty("properties").GetProperty("mood").GetProperty("enum").EnumerateArray().Select(e => e.GetString())
            .Should().Contain(["Calm", "Cheerful"]);
    }

    [Fact]
    public async Task ListTools_Annotations_AreThoseThePluginDeclared()
    {
        await using var harness = await McpHarness.StartAsync();

        var tools = (await harness.Client.ListToolsAsync()).ToDictionary(t => t.Name);

        tools["sample_echo"].ProtocolTool.Annotations!.ReadOnlyHint.Should().BeTrue();
        tools["sample_echo"].ProtocolTool.Annotations!.IdempotentHint.Should().BeTrue();
        tools["exact.wipe"].ProtocolTool.Annotations!.DestructiveHint.Should().BeTrue();
        tools["exact.wipe"].ProtocolTool.Annotations!.ReadOnlyHint.Should().BeFalse();
        tools["exact.wipe"].ProtocolTool.Title.Should().Be("Wipe");
        tools["sample_weather"].ProtocolTool.Annotations.Should().BeNull("a plugin that declares nothing claims nothing");
    }

    [Fact]
    public async Task CallTool_TypedResult_ReturnsStructuredContentMatchingOutputSchema()
    {
        await using var harness = await McpHarness.StartAsync();
        var tool = (await harness.Client.ListToolsAsync()).Single(t => t.Name == "sample_weather");

        var result = await harness.Client.CallToolAsync("sample_weather", new Dictionary<string, object?> { ["city"] = "Oslo", ["mood"] = "Cheerful" });

        result.IsError.Should().NotBe(true);
        tool.ProtocolTool.OutputSchema!.Value.GetProperty("properties").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["city", "temperatureC", "mood"]);
        var structured = result.StructuredContent!.Value;
        structured.GetProperty("city").GetString().Should().Be("Oslo");
        structured.GetProperty("temperatureC").GetInt32().Should().Be(21);
        structured.GetProperty("mood").GetString().Should().Be("cheerful");
        ((TextContentBlock)result.Content[0]).Text.Should().Contain("\"city\":\"Oslo\"");
    }

    [Fact]
    public async Task CallTool_StringResult_IsPlainText()
    {
        await using var harness = await McpHarness.StartAsync();

        var result = await harness.Client.CallToolAsync("sample_echo", new Dictionary<string, object?> { ["text"] = "ab", ["times"] = 2 });

        ((TextContentBlock)result.Content.Single()).Text.Should().Be("abab");
        result.StructuredContent.Should().BeNull();
    }

    [Fact]
    public async Task CallTool_RichResult_MapsEveryItem()
    {
        await using var harness = await McpHarness.StartAsync();

        var result = await harness.Client.CallToolAsync("sample_picture");

        result.Content.Select(c => c.Type).Should().Equal("text", "image", "resource");
        ((ImageContentBlock)result.Content[1]).DecodedData.ToArray().Should().Equal(1, 2, 3);
        ((TextResourceContents)((EmbeddedResourceBlock)result.Content[2]).Resource).Text.Should().Be("note text");
    }

    [Fact]
    public async Task CallTool_LuminaException_IsToolErrorWithItsMessage()
    {
        await using var harness = await McpHarness.StartAsync();

        var result = await harness.Client.CallToolAsync("sample_refuse");

        result.IsError.Should().BeTrue();
        ((TextContentBlock)result.Content.Single()).Text.Should().Be("Not allowed: the sample refuses.");
    }

    [Fact]
    public async Task CallTool_UnexpectedException_IsToolErrorWithoutInternalDetails()
    {
        await using var harness = await McpHarness.StartAsync();

        var result = await harness.Client.CallToolAsync("sample_crash");

        result.IsError.Should().BeTrue();
        var text = ((TextContentBlock)result.Content.Single()).Text;
        text.Should().Contain("sample_crash").And.Contain("reference").And.NotContain(SamplePlugin.Secret);
    }

    [Fact]
    public async Task CallTool_MissingArgument_IsToolErrorNamingIt()
    {
        await using var harness = await McpHarness.StartAsync();

        var result = await harness.Client.CallToolAsync("sample_echo");

        result.IsError.Should().BeTrue();
        ((TextContentBlock)result.Content.Single()).Text.Should().Contain("'text'");
    }

    [Theory]
    [InlineData("times", "\"three\"", "an integer")]
    [InlineData("times", "1.5", "an integer")]
    [InlineData("times", "1e40", "an integer")]
    [InlineData("text", "42", "a string")]
    [InlineData("text", "{\"a\":1}", "a string")]
    public async Task CallTool_WrongArgumentType_IsToolErrorSayingWhatIsExpected(string argument, string json, string expected)
    {
        await using var harness = await McpHarness.StartAsync();
        var arguments = new Dictionary<string, object?> { ["text"] = "x", [argument] = JsonDocument.Parse(json).RootElement };

        var result = await harness.Client.CallToolAsync("sample_echo", arguments);

        result.IsError.Should().BeTrue();
        ((TextContentBlock)result.Content.Single()).Text.Should().Contain($"'{argument}'").And.Contain(expected);
    }

    [Fact]
    public async Task CallTool_UnknownArgument_IsToolErrorListingTheRealOnes()
    {
        await using var harness = await McpHarness.StartAsync();

        var result = await harness.Client.CallToolAsync("sample_echo", new Dictionary<string, object?> { ["text"] = "x", ["txet"] = "y" });

        result.IsError.Should().BeTrue();
        ((TextContentBlock)result.Content.Single()).Text.Should().Contain("'txet'").And.Contain("text, times (optional)");
    }

    [Fact]
    public async Task CallTool_UnknownTool_IsProtocolError()
    {
        await using var harness = await McpHarness.StartAsync();

        var call = async () => await harness.Client.CallToolAsync("no_such_tool");

        (await call.Should().ThrowAsync<McpProtocolException>()).Which.ErrorCode.Should().Be(McpErrorCode.InvalidParams);
    }

    [Fact]
    public async Task CallTool_GoesThroughKernelFilters()
    {
        var filter = new CountingFilter();
        await using var harness = await McpHarness.StartAsync(configureServices: s => s.AddSingleton<IFunctionInvocationFilter>(filter));

        await harness.Client.CallToolAsync("sample_echo", new Dictionary<string, object?> { ["text"] = "x" });
        await harness.Client.ReadResourceAsync("sample://note");

        filter.Functions.Should().Equal("sample.echo", "sample.note");
    }

    [Fact]
    public async Task RegistryAdd_AtRunTime_NotifiesToolListChangedAndServesTheTool()
    {
        var changed = new TaskCompletionSource();
        await using var harness = await McpHarness.StartAsync(o => o.Handlers.NotificationHandlers =
            [new(NotificationMethods.ToolListChangedNotification, (_, _) => { changed.TrySetResult(); return ValueTask.CompletedTask; })]);

        harness.Registry.Add(Lumina.Core.Plugins.LuminaPluginFactory.FromObject(new LatePlugin())).Should().BeTrue();

        await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var result = await harness.Client.CallToolAsync("late_hello");
        ((TextContentBlock)result.Content.Single()).Text.Should().Be("hello");
    }

    [Fact]
    public async Task APluginLoadedBesideTheStart_IsInTheFirstList_AndNoListChangeFollows()
    {
        var changed = 0;
        await using var harness = await McpHarness.StartAsync(
            o => o.Handlers.NotificationHandlers =
                [new(NotificationMethods.ToolListChangedNotification, (_, _) => { Interlocked.Increment(ref changed); return ValueTask.CompletedTask; })],
            configureServices: s => s.AddSingleton<ILuminaStartupLoad>(sp => new SlowStartupLoad(sp.GetRequiredService<LuminaPluginRegistry>())));

        var tools = await harness.Client.ListToolsAsync();
        // A notification the server sent at connection arrives before the answer to a request made after it.
        await harness.Client.PingAsync();

        tools.Select(t => t.Name).Should().Contain("late_hello", "the catalog is served only after the load beside the start");
        Volatile.Read(ref changed).Should().Be(0, "the catalog did not change under the connected client");
    }

    /// <summary>A load beside the start that adds its plugin well after the server could have answered without it.</summary>
    private sealed class SlowStartupLoad(LuminaPluginRegistry registry) : ILuminaStartupLoad
    {
        private readonly Lazy<Task> _load = new(() => Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            registry.Add(LuminaPluginFactory.FromObject(new LatePlugin()));
        }));

        public Task LoadAsync() => _load.Value;
    }

    public sealed class LatePlugin
    {
        [KernelFunction("hello"), System.ComponentModel.Description("Says hello.")]
        public static string Hello() => "hello";
    }

    [Fact]
    public async Task ParameterMarkedAsHeader_CarriesXMcpHeaderInTheToolSchema()
    {
        await using var harness = await McpHarness.StartAsync();
        harness.Registry.Add(Lumina.Core.Plugins.LuminaPluginFactory.FromObject(new RoutedPlugin())).Should().BeTrue();

        var tool = (await harness.Client.ListToolsAsync()).Single(t => t.Name == "routed_place");
        var properties = tool.JsonSchema.GetProperty("properties");

        properties.GetProperty("region").GetProperty("x-mcp-header").GetString().Should().Be("Region");
        properties.GetProperty("item").TryGetProperty("x-mcp-header", out _).Should().BeFalse();
    }

    [Fact]
    public void HeaderName_ThatIsNoHttpToken_IsRefused()
    {
        var make = () => new Lumina.Abstractions.LuminaHeaderAttribute("Region Name");

        make.Should().Throw<ArgumentException>().WithMessage("*not an HTTP header name*");
    }

    public sealed class RoutedPlugin
    {
        [KernelFunction("place"), System.ComponentModel.Description("Places an item in a region.")]
        public static string Place([Lumina.Abstractions.LuminaHeader("Region")] string region, string item) => $"{item}@{region}";
    }
}
