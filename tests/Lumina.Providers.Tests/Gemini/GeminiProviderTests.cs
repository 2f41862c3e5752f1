using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Providers.Orchestration;
using Lumina.Testing;
using Lumina.Testing.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Providers.Tests.Gemini;

/// <summary>The <c>gemini</c> kind end to end, configured as a user would, against a scripted OpenAI-compatible server on loopback.</summary>
public sealed class GeminiProviderTests
{
    [Fact]
    public async Task GeminiKind_SendsNormalisedToolSchemas_AndTheAnswerComesBack()
    {
        await using var server = new ScriptedOpenAiServer(200, "answered by gemini");
        using var services = Build(server);

        var response = await services.GetRequiredService<IChatClient>().GetResponseAsync("Where does Ada live?", WithTool(GeminiSchemaTests.Hostile));

        response.Text.Should().Be("answered by gemini");
        response.AdditionalProperties![RoutingHints.Provider].Should().Be("gemini");
        var request = server.Received.Single();
        request["model"]!.GetValue<string>().Should().Be("gemini-2.5-flash");
        request["tool_choice"]!.GetValue<string>().Should().Be("auto");
        var function = request["tools"]!.AsArray().Single()!["function"]!;
        function["name"]!.GetValue<string>().Should().Be("lookup_address");
        function["description"]!.GetValue<string>().Should().Be("Looks an address up.");
        JsonNode.DeepEquals(function["parameters"], JsonNode.Parse(GeminiSchemaTests.Normalized)).Should().BeTrue(function["parameters"]!.ToJsonString());
    }

    [Fact]
    public async Task GeminiKind_Streaming_SendsNormalisedToolSchemas()
    {
        await using var server = new ScriptedOpenAiServer(200, "streamed by gemini");
        using var services = Build(server);

        var updates = await services.GetRequiredService<IChatClient>().GetStreamingResponseAsync("Where?", WithTool(GeminiSchemaTests.Hostile)).ToListAsync();

        string.Concat(updates.Select(u => u.Text)).Should().Be("streamed by gemini");
        var parameters = server.Received.Single()["tools"]![0]!["function"]!["parameters"];
        JsonNode.DeepEquals(parameters, JsonNode.Parse(GeminiSchemaTests.Normalized)).Should().BeTrue(parameters!.ToJsonString());
    }

    [Fact]
    public async Task OpenAiKind_SendsTheSchemaAsGiven()
    {
        // The rewrite is Gemini's alone: an OpenAI endpoint takes $ref and additionalProperties.
        await using var server = new ScriptedOpenAiServer(200);
        using var services = ProviderHost.Build([ProviderHost.Provider("main", server.Endpoint)]);

        await services.GetRequiredService<IChatClient>().GetResponseAsync("Where?", WithTool(GeminiSchemaTests.Hostile));

        var parameters = server.Received.Single()["tools"]![0]!["function"]!["parameters"]!.ToJsonString();
        parameters.Should().Contain("\"$ref\"").And.Contain("\"$defs\"").And.Contain("\"anyOf\"").And.Contain("\"additionalProperties\"");
    }

    [Fact]
    public async Task GeminiKind_Ask_CallsAKernelTool_AndAnswersFromItsResult()
    {
        var root = TestData.NewDirectory();
        try
        {
            File.WriteAllText(Path.Combine(root, "motto.txt"), "Lumina lights the way.\n");
            await using var server = new ScriptedOpenAiServer(200);
            server.Enqueue(ScriptedReply.Call("files_read", """{"path":"motto.txt"}"""), ScriptedReply.Answer("The motto is: Lumina lights the way."));
            using var services = Build(server, new() { ["Lumina:Files:Roots:0"] = root });

            var result = (await services.GetRequiredService<Kernel>().InvokeAsync<AskResult>("orchestration", "ask", new() { ["message"] = "What is the motto?" }))!;

            result.Answer.Should().Be("The motto is: Lumina lights the way.");
            result.Provider.Should().Be("gemini");
            result.ToolCalls.Should().Equal(new ToolCallSummary("files_read", false));
            var tools = server.Received[0]["tools"]!.ToJsonString();
            tools.Should().Contain("files_read").And.NotContain("additionalProperties").And.NotContain("$ref").And.NotContain("anyOf").And.NotContain("$schema");
            server.Received[1]["messages"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "tool")!["content"]!.ToString().Should().Contain("Lumina lights the way.");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task GeminiKind_ASchemaThatCannotBeInlined_IsRefused_AndNothingIsSent()
    {
        await using var server = new ScriptedOpenAiServer(200);
        using var services = Build(server);
        var bomb = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["x"] = new JsonObject { ["$ref"] = "#/$defs/L0" } } };
        var defs = new JsonObject { ["L9"] = new JsonObject { ["type"] = "string" } };
        for (var i = 0; i < 9; i++)
        {
            defs[$"L{i}"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["a"] = Ref(i + 1), ["b"] = Ref(i + 1), ["c"] = Ref(i + 1) } };
        }

        bomb["$defs"] = defs;

        var call = () => services.GetRequiredService<IChatClient>().GetResponseAsync("Hi", WithTool(bomb.ToJsonString()));

        (await call.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain("'lookup_address'").And.Contain("Gemini");
        server.Requests.Should().Be(0);

        static JsonObject Ref(int level) => new() { ["$ref"] = $"#/$defs/L{level}" };
    }

    private static ServiceProvider Build(ScriptedOpenAiServer server, Dictionary<string, string?>? extra = null) =>
        ProviderHost.Build([ProviderHost.Provider("gemini", server.Endpoint, 1, ("Kind", "gemini"), ("Model", "gemini-2.5-flash")), extra ?? []]);

    private static ChatOptions WithTool(string schema)
    {
        using var document = JsonDocument.Parse(schema);
        return new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("lookup_address", "Looks an address up.", document.RootElement.Clone())] };
    }
}
