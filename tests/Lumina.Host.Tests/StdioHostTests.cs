using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>The real lumina process over stdio, driven by the SDK's MCP client.</summary>
/// <remarks>
/// The tests share one host and its session (<see cref="SharedSession"/>): each uses files, facts and links of its own
/// names in the shared root and data directory.
/// </remarks>
public sealed class StdioHostTests(StdioHostTests.SharedSession fixture) : IClassFixture<StdioHostTests.SharedSession>
{
    /// <summary>One stdio host with a files root holding <c>hello.txt</c>, and its client, whose user confirms every destructive call.</summary>
    public sealed class SharedSession : IAsyncLifetime
    {
        private readonly List<string> _stderr = [];

        internal TempDirectory Data { get; } = new();

        internal TempDirectory Root { get; } = new();

        public List<string> Confirmations { get; } = [];

        public McpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            File.WriteAllText(Root.Combine("hello.txt"), "line one\nline two\nneedle here\n");
            var transport = new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = "lumina",
                Command = "dotnet",
                Arguments = LuminaProcess.IsolatedArguments(Data.Path, $"--Lumina:Files:Roots:0={Root.Path}"),
                StandardErrorLines = line =>
                {
                    lock (_stderr)
                    {
                        _stderr.Add(line);
                    }
                },
            });
            var options = new McpClientOptions { ProtocolVersion = "2025-11-25" };
            // The user confirms every destructive call the policy guard asks about.
            options.Handlers.ElicitationHandler = Confirming.Everything(Confirmations);
            Client = await McpClient.CreateAsync(transport, options);
        }

        public async Task DisposeAsync()
        {
            await Client.DisposeAsync();
            Data.Dispose();
            Root.Dispose();
        }
    }

    [Fact]
    public async Task ListTools_BuiltInPluginsAndPromptTools_AreServed()
    {
        var tools = (await fixture.Client.ListToolsAsync()).Select(t => t.Name).ToList();

        tools.Should().Contain(["files_read", "files_write", "files_edit", "files_search", "files_list", "files_move", "files_delete", "time_now", "system_describe", "web_fetch"]);
        tools.Should().Contain(t => t.StartsWith("code_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListPrompts_BuiltInTemplates_AreServedWithArguments()
    {
        var prompts = await fixture.Client.ListPromptsAsync();

        prompts.Count.Should().BeGreaterThanOrEqualTo(6);
        prompts.Should().OnlyContain(p => !string.IsNullOrWhiteSpace(p.Description));
        prompts.SelectMany(p => p.ProtocolPrompt.Arguments ?? []).Should().OnlyContain(a => !string.IsNullOrWhiteSpace(a.Description));
    }

    [Fact]
    public async Task CallTool_TimeNow_Answers()
    {
        var result = await fixture.Client.CallToolAsync("time_now", new Dictionary<string, object?>());

        result.IsError.Should().NotBe(true);
        Text(result).Should().MatchRegex(@"\d{4}-\d{2}-\d{2}T");
    }

    [Fact]
    public async Task FilesPlugin_InTemporaryRoot_WritesReadsEditsSearchesMovesAndDeletes()
    {
        // The confirmations this test counts are its own: the session is shared.
        lock (fixture.Confirmations)
        {
            fixture.Confirmations.Clear();
        }

        (await Call("files_write", new() { ["path"] = "notes/a.txt", ["content"] = "alpha\nbeta\n" })).IsError.Should().NotBe(true);
        Text(await Call("files_read", new() { ["path"] = "notes/a.txt" })).Should().Contain("beta");
        (await Call("files_edit", new() { ["path"] = "notes/a.txt", ["oldText"] = "beta", ["newText"] = "gamma" })).IsError.Should().NotBe(true);
        File.ReadAllText(fixture.Root.Combine("notes", "a.txt")).Should().Be("alpha\ngamma\n");
        Text(await Call("files_search", new() { ["pattern"] = "**/*.txt", ["query"] = "needle" })).Should().Contain("hello.txt");
        Text(await Call("files_list", new() { ["path"] = "." })).Should().Contain("notes");
        (await Call("files_move", new() { ["source"] = "notes/a.txt", ["destination"] = "b.txt" })).IsError.Should().NotBe(true);
        File.Exists(fixture.Root.Combine("b.txt")).Should().BeTrue();
        (await Call("files_delete", new() { ["path"] = "b.txt" })).IsError.Should().NotBe(true);
        File.Exists(fixture.Root.Combine("b.txt")).Should().BeFalse();
        fixture.Confirmations.Should().HaveCount(3, "writing, moving and deleting are destructive: the user confirmed each");
        fixture.Confirmations[2].Should().Contain("files_delete").And.Contain("path=b.txt");
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("notes/../../outside.txt")]
    public async Task FilesRead_OutsideTheRoot_IsRefused(string path)
    {
        var result = await Call("files_read", new() { ["path"] = path });

        result.IsError.Should().BeTrue();
        Text(result).Should().Contain("outside").And.NotContain("root:x:0:0");
    }

    [Fact]
    public async Task FilesRead_ThroughSymlinkOutOfTheRoot_IsRefused()
    {
        using var outside = new TempDirectory();
        File.WriteAllText(outside.Combine("secret.txt"), "top secret");
        Directory.CreateSymbolicLink(fixture.Root.Combine("escape"), outside.Path);

        CallToolResult result;
        try
        {
            result = await Call("files_read", new() { ["path"] = "escape/secret.txt" });
        }
        finally
        {
            // The root is shared: no link is left pointing at a folder about to go.
            File.Delete(fixture.Root.Combine("escape"));
        }

        result.IsError.Should().BeTrue();
        Text(result).Should().NotContain("top secret");
    }

    [Fact]
    public async Task Memory_RememberedFact_IsRecalledAndListedAsAResource()
    {
        var remembered = await Call("memory_remember", new() { ["text"] = "The build server is called orion", ["tags"] = new[] { "infra" } });
        var recalled = await Call("memory_recall", new() { ["query"] = "build server name" });
        var resource = await fixture.Client.ReadResourceAsync("memory://facts");

        remembered.IsError.Should().NotBe(true);
        recalled.StructuredContent!.Value.GetProperty("facts")[0].GetProperty("fact").GetProperty("text").GetString().Should().Be("The build server is called orion");
        ((TextResourceContents)resource.Contents.Single()).Text.Should().Contain("orion");
        File.Exists(Path.Combine(fixture.Data.Path, "memory.db")).Should().BeTrue("the embedded store lives in the data directory");
    }

    [Fact]
    public async Task CallTool_UnknownTool_IsProtocolErrorAndServerKeepsServing()
    {
        var call = async () => await fixture.Client.CallToolAsync("no_such_tool");

        await call.Should().ThrowAsync<McpProtocolException>();
        (await fixture.Client.ListToolsAsync()).Should().NotBeEmpty();
    }

    [Fact]
    public async Task CallTool_MissingOrWrongTypedArguments_AreToolErrors()
    {
        var missing = await Call("files_read", []);
        var wrongType = await Call("files_read", new() { ["path"] = 42 });

        missing.IsError.Should().BeTrue();
        Text(missing).Should().Contain("'path'");
        wrongType.IsError.Should().BeTrue();
        Text(wrongType).Should().Contain("'path'").And.Contain("a string");
    }

    [Fact]
    public async Task PromptTool_ClientWithoutSampling_SaysHowToConfigureAProvider()
    {
        var tool = (await fixture.Client.ListToolsAsync()).First(t => t.Name.StartsWith("text_", StringComparison.Ordinal));
        var arguments = tool.ProtocolTool.InputSchema.GetProperty("required").EnumerateArray()
            .ToDictionary(r => r.GetString()!, _ => (object?)"some text");

        var result = await fixture.Client.CallToolAsync(tool.Name, arguments);

        result.IsError.Should().BeTrue();
        Text(result).Should().Contain("provider");
    }

    private async Task<CallToolResult> Call(string tool, Dictionary<string, object?> arguments) => await fixture.Client.CallToolAsync(tool, arguments);

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(t => t.Text));
}
