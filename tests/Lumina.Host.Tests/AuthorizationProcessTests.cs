using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>The authorization matrix against the real host: every built-in tool, each role, over stdio and HTTP.</summary>
/// <remarks>
/// The token callers of the three roles share one host (<see cref="TokenCallersHost"/>), each a user of its own name;
/// the other tests are configured apart (the role is the host's setting) and start their own.
/// </remarks>
public sealed class AuthorizationProcessTests(AuthorizationProcessTests.TokenCallersHost shared) : IClassFixture<AuthorizationProcessTests.TokenCallersHost>, IDisposable
{
    /// <summary>Every built-in tool and the permission it needs; admin must be shown exactly these.</summary>
    private static readonly Dictionary<string, string> s_tools = new(StringComparer.Ordinal)
    {
        ["files_list"] = "read", ["files_read"] = "read", ["files_search"] = "read",
        ["files_write"] = "write", ["files_edit"] = "write", ["files_move"] = "write", ["files_delete"] = "write",
        ["time_now"] = "read", ["time_convert"] = "read", ["time_add"] = "read", ["time_difference"] = "read",
        ["system_describe"] = "read",
        ["web_fetch"] = "read",
        ["exec_run"] = "execute",
        ["memory_remember"] = "write", ["memory_recall"] = "read", ["memory_forget"] = "write", ["memory_forget_all"] = "write", ["memory_forget_conversation"] = "write",
        ["memory_set_context"] = "write", ["memory_get_context"] = "read", ["memory_list_conversations"] = "read", ["memory_get_conversation"] = "read",
        ["code_commit_message"] = "execute", ["code_explain"] = "execute", ["code_review_diff"] = "execute",
        ["tasks_plan"] = "execute", ["text_summarize"] = "execute", ["text_translate"] = "execute",
        ["ask"] = "execute", ["synthesize"] = "execute", ["providers"] = "read",
        ["federation_servers"] = "manage", ["federation_tools"] = "manage", ["federation_approve"] = "manage",
        ["workflows_runs"] = "read", ["workflows_cancel"] = "read", ["workflows_resume"] = "manage",
        ["plan"] = "execute", ["plan_run"] = "execute", ["plan_save"] = "manage",

        // A workflow is shown to (and runs for) a caller who may use any of its steps' tools: review_changes and
        // research_page read files or pages; triage only asks a model and writes files.
        ["workflow_review_changes"] = "read", ["workflow_research_page"] = "read", ["workflow_triage"] = "write",
    };

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static bool Grants(string role, string permission) => role switch
    {
        "admin" => true,
        "user" => permission != "manage",
        "guest" => permission == "read",
        _ => false,
    };

    private static bool IsForbidden(CallToolResult result) =>
        result.IsError == true && result.Content.OfType<TextContentBlock>().Any(t => t.Text.StartsWith("Forbidden: ", StringComparison.Ordinal));

    [Theory]
    [InlineData("admin")]
    [InlineData("user")]
    [InlineData("guest")]
    public async Task Stdio_EveryBuiltInTool_ListedExactlyWhenCallable(string role)
    {
        await using var client = await McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = "dotnet",
                Arguments = LuminaProcess.IsolatedArguments(_data.Path),
                EnvironmentVariables = new Dictionary<string, string?> { ["Lumina__Auth__LocalRole"] = role },
            }),
            new McpClientOptions { ProtocolVersion = "2025-11-25" });

        await AssertMatrixAsync(client, role);
    }

    [Theory]
    [InlineData("guest")]
    [InlineData("user")]
    public async Task Http_AnonymousCaller_HasTheConfiguredAnonymousRole(string role)
    {
        await using var host = await HttpHost.StartAsync($"--Lumina:Auth:AnonymousRole={role}");
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = host.McpEndpoint }));

        await AssertMatrixAsync(client, role);
    }

    [Fact]
    public async Task Http_AnonymousCaller_IsRefusedUnlessConfigured()
    {
        await using var host = await HttpHost.StartAsync();

        var connect = () => McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = host.McpEndpoint }));

        (await connect.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(System.Net.HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("user")]
    [InlineData("guest")]
    public async Task Http_TokenCaller_EveryBuiltInTool_ListedExactlyWhenCallable(string role)
    {
        // Anonymous callers are let in as admins here: the token's role, not the anonymous one, must decide.
        var host = shared.Host;
        await HttpAuth.AddUserAsync(host.DataDirectory, $"caller{role}", role);
        using var http = new HttpClient();
        var token = await HttpAuth.PasswordTokenAsync(http, host, $"caller{role}");
        await using var client = await HttpAuth.McpClientAsync(host, token, new McpClientOptions { ProtocolVersion = "2025-11-25" });

        await AssertMatrixAsync(client, role);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("user")]
    [InlineData("guest")]
    public async Task Stdio_ToolSet_EveryBuiltInTool_ListedExactlyWhenTheRoleAndTheSetAllowIt(string role)
    {
        // files_* and web_* but not files_delete, memory_* only for reading: each role meets the set differently.
        await using var client = await McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = "dotnet",
                Arguments = LuminaProcess.IsolatedArguments(
                    _data.Path,
                    "--toolset", "mixed",
                    "--Lumina:ToolSets:mixed:Include:0=files_*", "--Lumina:ToolSets:mixed:Include:1=web_*",
                    "--Lumina:ToolSets:mixed:Include:2=memory_*", "--Lumina:ToolSets:mixed:Include:3=ask",
                    "--Lumina:ToolSets:mixed:Exclude:0=files_delete", "--Lumina:ToolSets:mixed:Exclude:1=memory_forget*"),
                EnvironmentVariables = new Dictionary<string, string?> { ["Lumina__Auth__LocalRole"] = role },
            }),
            new McpClientOptions { ProtocolVersion = "2025-11-25" });

        await AssertMatrixAsync(client, role, tool =>
            (tool.StartsWith("files_", StringComparison.Ordinal) || tool.StartsWith("web_", StringComparison.Ordinal) || tool.StartsWith("memory_", StringComparison.Ordinal) || tool == "ask")
            && tool != "files_delete" && !tool.StartsWith("memory_forget", StringComparison.Ordinal));
    }

    /// <summary>The host the token callers share: anonymous callers are admins there, so only a token's role can narrow.</summary>
    public sealed class TokenCallersHost : IAsyncLifetime
    {
        internal HttpHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await HttpHost.StartAsync("--Lumina:Auth:AnonymousRole=admin");

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    private static async Task AssertMatrixAsync(McpClient client, string role, Func<string, bool>? inSet = null)
    {
        var listed = (await client.ListToolsAsync()).Select(t => t.Name).ToHashSet();
        var problems = new List<string>();

        foreach (var (tool, permission) in s_tools)
        {
            var allowed = Grants(role, permission) && (inSet?.Invoke(tool) ?? true);
            var result = await client.CallToolAsync(tool, new Dictionary<string, object?>());
            var forbidden = IsForbidden(result);
            if (listed.Contains(tool) != allowed || forbidden == allowed || (!allowed && result.IsError != true))
            {
                problems.Add($"{tool}: listed={listed.Contains(tool)}, allowed={allowed}, forbidden={forbidden}, error={result.IsError}");
            }
        }

        problems.Should().BeEmpty();
        listed.Should().BeSubsetOf(s_tools.Keys, "every tool a caller is shown is in the matrix");
        if (role == "admin" && inSet is null)
        {
            listed.Should().BeEquivalentTo(s_tools.Keys);
        }
    }
}
