using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Core.Auth;
using Lumina.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp.Tests;

/// <summary>Over MCP, what a caller is shown and what a caller may call agree, for every role and every built-in function.</summary>
public sealed class AuthorizationTests
{
    public static TheoryData<string> Roles => ["admin", "user", "guest", "intruder"];

    private static Task<McpHarness> StartAsAsync(string role, IDictionary<string, string?>? settings = null) =>
        McpHarness.StartAsync(settings: settings, configureServices: s => s.AddSingleton<ILuminaCallerResolver>(new FixedCaller(role)));

    private static bool IsForbidden(CallToolResult result) =>
        result.IsError == true && result.Content.OfType<TextContentBlock>().Any(t => t.Text.StartsWith("Forbidden: ", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Matrix_ListedEqualsCallable_AndNoUnauthorizedCallSucceeds(string role)
    {
        await using var harness = await StartAsAsync(role);
        var authorizer = harness.Services.GetRequiredService<ILuminaAuthorizer>();
        var builtIn = harness.Registry.Plugins.Where(p => p.Source == "builtin").SelectMany(p => p.Functions).ToList();
        var tools = (await harness.Client.ListToolsAsync()).Select(t => t.Name).ToHashSet();
        var prompts = (await harness.Client.ListPromptsAsync()).Select(p => p.Name).ToHashSet();
        var resources = (await harness.Client.ListResourcesAsync()).Select(r => r.Uri).ToHashSet();
        var templates = (await harness.Client.ListResourceTemplatesAsync()).Select(r => r.UriTemplate).ToHashSet();
        var disagreements = new List<string>();
        var unauthorizedSuccesses = new List<string>();

        foreach (var function in builtIn)
        {
            var allowed = LuminaRoles.Grants(role, authorizer.RequiredPermission(function.Function));
            var name = $"{function.PluginName}_{function.Function.Name}";
            if (function.Kind is LuminaFunctionKind.Tool or LuminaFunctionKind.PromptTemplate)
            {
                var tool = function.ToolName;
                var result = await harness.Client.CallToolAsync(tool, new Dictionary<string, object?>());
                Check($"tools/call {tool}", tools.Contains(tool), allowed, IsForbidden(result), succeeded: result.IsError != true);
            }

            if (function.Kind is LuminaFunctionKind.Prompt or LuminaFunctionKind.PromptTemplate)
            {
                var arguments = function.Function.Metadata.Parameters.Where(p => p.IsRequired).ToDictionary(p => p.Name, object? (_) => "x");
                var (forbidden, succeeded) = await Outcome(() => harness.Client.GetPromptAsync(name, arguments).AsTask());
                Check($"prompts/get {name}", prompts.Contains(name), allowed, forbidden, succeeded);
            }

            if (function.Kind == LuminaFunctionKind.Resource)
            {
                var template = function.Resource!.Uri;
                var listed = template.Contains('{', StringComparison.Ordinal) ? templates.Contains(template) : resources.Contains(template);
                var (forbidden, succeeded) = await Outcome(() => harness.Client.ReadResourceAsync(template.Replace("{id}", "some-id", StringComparison.Ordinal)).AsTask());
                Check($"resources/read {template}", listed, allowed, forbidden, succeeded);
            }
        }

        disagreements.Should().BeEmpty();
        unauthorizedSuccesses.Should().BeEmpty();
        if (role == "intruder")
        {
            // An unknown role has no permission at all: nothing is shown, the test plugin's functions included.
            tools.Concat(prompts).Concat(resources).Concat(templates).Should().BeEmpty();
        }

        void Check(string call, bool listed, bool allowed, bool forbidden, bool succeeded)
        {
            if (listed != allowed || listed == forbidden)
            {
                disagreements.Add($"{call}: listed={listed}, allowed={allowed}, forbidden={forbidden}");
            }

            if (!allowed && succeeded)
            {
                unauthorizedSuccesses.Add(call);
            }
        }
    }

    [Fact]
    public async Task CallTool_Forbidden_IsAToolErrorNamingThePermissionAndTheRole()
    {
        await using var harness = await StartAsAsync("guest");

        var result = await harness.Client.CallToolAsync("memory_remember", new Dictionary<string, object?> { ["text"] = "guests cannot write" });
        var facts = await harness.Client.ReadResourceAsync("memory://facts");

        result.IsError.Should().BeTrue();
        ((TextContentBlock)result.Content.Single()).Text.Should().Be("Forbidden: memory_remember needs the 'write' permission; tester has the role 'guest'.");
        ((TextResourceContents)facts.Contents.Single()).Text.Should().NotContain("guests cannot write");
    }

    [Fact]
    public async Task CallTool_ForbiddenWithBadArguments_SaysForbiddenNotWhatTheArgumentsLack()
    {
        await using var harness = await StartAsAsync("guest");

        var result = await harness.Client.CallToolAsync("files_write", new Dictionary<string, object?> { ["bogus"] = 1 });

        IsForbidden(result).Should().BeTrue();
    }

    [Fact]
    public async Task GetPrompt_Forbidden_IsAProtocolErrorNamingThePermission()
    {
        await using var harness = await StartAsAsync("guest");
        var prompt = harness.Registry.Plugins.SelectMany(p => p.Functions).First(f => f.Kind == LuminaFunctionKind.PromptTemplate);

        var get = async () => await harness.Client.GetPromptAsync($"{prompt.PluginName}_{prompt.Function.Name}");

        (await get.Should().ThrowAsync<McpProtocolException>()).Which.Message.Should().Contain("needs the 'execute' permission; tester has the role 'guest'.");
    }

    [Fact]
    public async Task Complete_ForAPromptTheCallerMayNotUse_OffersNothing()
    {
        await using var guest = await StartAsAsync("guest");
        await using var user = await StartAsAsync("user");

        var hidden = await guest.Client.CompleteAsync(new PromptReference { Name = "sample_greeting" }, "name", "A");
        var shown = await user.Client.CompleteAsync(new PromptReference { Name = "sample_greeting" }, "name", "A");
        var resource = await guest.Client.CompleteAsync(new ResourceTemplateReference { Uri = "sample://items/{id}" }, "id", "al");

        hidden.Completion.Values.Should().BeEmpty();
        shown.Completion.Values.Should().Equal("Ada", "Alan");
        resource.Completion.Values.Should().Equal("alpha", "alps");
    }

    [Fact]
    public async Task Subscribe_ToAResourceTheCallerMayNotRead_IsRefused()
    {
        await using var harness = await StartAsAsync("guest", new Dictionary<string, string?> { ["Lumina:Auth:Permissions:memory.facts"] = "manage" });

        var hidden = async () => await harness.Client.SubscribeToResourceAsync("memory://facts");
        await harness.Client.SubscribeToResourceAsync("memory://context");

        (await hidden.Should().ThrowAsync<McpProtocolException>()).Which.Message.Should().Contain("Forbidden: memory_facts needs the 'manage' permission");
    }

    [Fact]
    public async Task Overrides_ChangeTheListAndTheCallAlike()
    {
        await using var harness = await StartAsAsync("guest", new Dictionary<string, string?>
        {
            ["Lumina:Auth:Permissions:files.write"] = "read",
            ["Lumina:Auth:Permissions:time"] = "execute",
        });

        var tools = (await harness.Client.ListToolsAsync()).Select(t => t.Name).ToList();
        var time = await harness.Client.CallToolAsync("time_now", new Dictionary<string, object?>());
        var write = await harness.Client.CallToolAsync("files_write", new Dictionary<string, object?>());

        tools.Should().Contain("files_write").And.NotContain("time_now").And.NotContain("files_edit");
        IsForbidden(time).Should().BeTrue();
        IsForbidden(write).Should().BeFalse("files.write was opened to readers (it fails on its missing arguments instead)");
    }

    [Theory]
    [InlineData("guest", null, false)]
    [InlineData("admin", null, true)]
    [InlineData("guest", "user", true)]
    public async Task LocalRole_FromConfiguration_OrTheMcpOptions_DecidesTheStdioCaller(string configured, string? optionsRole, bool canWrite)
    {
        await using var harness = await McpHarness.StartAsync(
            settings: new Dictionary<string, string?> { ["Lumina:Auth:LocalRole"] = configured },
            configureServices: s => s.Configure<LuminaMcpOptions>(o => o.LocalRole = optionsRole));

        var tools = (await harness.Client.ListToolsAsync()).Select(t => t.Name).ToList();
        var result = await harness.Client.CallToolAsync("memory_set_context", new Dictionary<string, object?> { ["key"] = "k", ["value"] = "v" });

        tools.Contains("memory_set_context").Should().Be(canWrite);
        IsForbidden(result).Should().Be(!canWrite);
        tools.Should().Contain("time_now");
    }

    private static async Task<(bool Forbidden, bool Succeeded)> Outcome(Func<Task> call)
    {
        try
        {
            await call();
            return (false, true);
        }
        catch (McpException ex)
        {
            return (ex.Message.Contains("Forbidden: ", StringComparison.Ordinal), false);
        }
    }

    private sealed class FixedCaller(string role) : ILuminaCallerResolver
    {
        public LuminaCaller Resolve(JsonRpcRequest request) => new("tester-id", "tester", role, LuminaTransport.Http, IsAuthenticated: true);
    }
}
