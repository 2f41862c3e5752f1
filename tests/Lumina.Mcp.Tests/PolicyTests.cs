using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Testing;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp.Tests;

/// <summary>The policy guard over MCP: confirmation of destructive calls, rate limits, argument and result caps.</summary>
public sealed class PolicyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lumina-policy-root-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private Dictionary<string, string?> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Lumina:Files:Roots:0"] = _root,
            // The harness's other tests may allow it; these decide for themselves.
            ["Lumina:Policy:AllowDestructiveWithoutConfirmation"] = "false",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static Action<McpClientOptions> Answering(string action, bool? confirm, List<ElicitRequestParams> asked) => o =>
        o.Handlers.ElicitationHandler = (request, _) =>
        {
            lock (asked)
            {
                asked.Add(request!);
            }

            return ValueTask.FromResult(new ElicitResult
            {
                Action = action,
                Content = confirm is { } c ? new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(c) } : null,
            });
        };

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    private Task<CallToolResult> DeleteAsync(McpHarness harness) =>
        harness.Client.CallToolAsync("files_delete", new Dictionary<string, object?> { ["path"] = "notes.txt" }).AsTask();

    [Fact]
    public async Task Destructive_ConfirmationAccepted_Runs()
    {
        File.WriteAllText(Path.Combine(_root, "notes.txt"), "old notes");
        var asked = new List<ElicitRequestParams>();
        await using var harness = await McpHarness.StartAsync(Answering("accept", true, asked), Settings());

        var result = await DeleteAsync(harness);

        result.IsError.Should().NotBe(true, Text(result));
        File.Exists(Path.Combine(_root, "notes.txt")).Should().BeFalse();
        var question = asked.Should().ContainSingle().Subject;
        question.Message.Should().Contain("Delete file").And.Contain("files_delete").And.Contain("path=notes.txt");
        var schema = JsonSerializer.SerializeToElement(question.RequestedSchema);
        schema.GetProperty("properties").GetProperty("confirm").GetProperty("type").GetString().Should().Be("boolean");
        schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()).Should().Equal("confirm");
    }

    [Theory]
    [InlineData("decline", null, "declined")]
    [InlineData("cancel", null, "cancelled")]
    [InlineData("accept", false, "declined")]
    public async Task Destructive_NotConfirmed_RefusedAndNothingDone(string action, bool? confirm, string said)
    {
        File.WriteAllText(Path.Combine(_root, "notes.txt"), "old notes");
        var asked = new List<ElicitRequestParams>();
        await using var harness = await McpHarness.StartAsync(Answering(action, confirm, asked), Settings());

        var result = await DeleteAsync(harness);

        result.IsError.Should().BeTrue();
        Text(result).Should().Be($"Declined: the user {said} files_delete; nothing was done.");
        File.Exists(Path.Combine(_root, "notes.txt")).Should().BeTrue();
        asked.Should().ContainSingle();
    }

    [Fact]
    public async Task Destructive_ClientCannotElicit_RefusedNamingTheSetting()
    {
        File.WriteAllText(Path.Combine(_root, "notes.txt"), "old notes");
        await using var harness = await McpHarness.StartAsync(settings: Settings());

        var result = await DeleteAsync(harness);

        result.IsError.Should().BeTrue();
        Text(result).Should().StartWith("Declined: files_delete is destructive and needs the user's confirmation, but this client cannot ask its user")
            .And.Contain("Lumina:Policy:AllowDestructiveWithoutConfirmation=true");
        File.Exists(Path.Combine(_root, "notes.txt")).Should().BeTrue();
    }

    [Fact]
    public async Task Destructive_AllowedByConfiguration_RunsWithoutAsking()
    {
        File.WriteAllText(Path.Combine(_root, "notes.txt"), "old notes");
        await using var harness = await McpHarness.StartAsync(settings: Settings(("Lumina:Policy:AllowDestructiveWithoutConfirmation", "true")));

        var result = await DeleteAsync(harness);

        result.IsError.Should().NotBe(true, Text(result));
        File.Exists(Path.Combine(_root, "notes.txt")).Should().BeFalse();
    }

    [Fact]
    public async Task Risk_OverriddenByConfiguration_NoLongerAsks()
    {
        File.WriteAllText(Path.Combine(_root, "notes.txt"), "old notes");
        await using var harness = await McpHarness.StartAsync(settings: Settings(("Lumina:Policy:Risk:files.delete", "mutating")));

        var result = await DeleteAsync(harness);

        result.IsError.Should().NotBe(true, Text(result));
        File.Exists(Path.Combine(_root, "notes.txt")).Should().BeFalse();
    }

    [Fact]
    public async Task ReadOnlyCall_NeverAsks()
    {
        var asked = new List<ElicitRequestParams>();
        await using var harness = await McpHarness.StartAsync(Answering("decline", null, asked), Settings());

        var result = await harness.Client.CallToolAsync("time_now", new Dictionary<string, object?>());

        result.IsError.Should().NotBe(true, Text(result));
        asked.Should().BeEmpty();
    }

    [Fact]
    public async Task RateLimit_Reached_RefusedWithRetryTime_ThenRecovers()
    {
        var clock = new ManualWallClock(DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var harness = await McpHarness.StartAsync(
            settings: Settings(("Lumina:Policy:RateLimit:PermitsPerMinute", "6"), ("Lumina:Policy:RateLimit:Burst", "3")),
            configureServices: s => s.AddSingleton<TimeProvider>(clock));

        for (var i = 0; i < 3; i++)
        {
            (await Now()).IsError.Should().NotBe(true);
        }

        var refused = await Now();
        refused.IsError.Should().BeTrue();
        Text(refused).Should().StartWith("Forbidden: rate limit reached for").And.Contain("6 calls a minute, bursts of 3").And.EndWith("retry in 10 s.");

        clock.Advance(TimeSpan.FromSeconds(9));
        (await Now()).IsError.Should().BeTrue("a token comes back every 10 s");
        clock.Advance(TimeSpan.FromSeconds(1));
        (await Now()).IsError.Should().NotBe(true);
        (await Now()).IsError.Should().BeTrue();

        Task<CallToolResult> Now() => harness.Client.CallToolAsync("time_now", new Dictionary<string, object?>()).AsTask();
    }

    [Fact]
    public async Task OversizeArgument_RefusedBeforeTheFunctionRuns()
    {
        await using var harness = await McpHarness.StartAsync(settings: Settings(("Lumina:Policy:MaxArgumentBytes", "1024")));

        var result = await harness.Client.CallToolAsync("files_write", new Dictionary<string, object?> { ["path"] = "big.txt", ["content"] = new string('x', 2000) });

        result.IsError.Should().BeTrue();
        Text(result).Should().StartWith("Forbidden: the arguments of files_write are larger than 1 KB").And.Contain("Lumina:Policy:MaxArgumentBytes");
        File.Exists(Path.Combine(_root, "big.txt")).Should().BeFalse();
    }

    [Fact]
    public async Task OversizeResult_Truncated_WithANote()
    {
        File.WriteAllText(Path.Combine(_root, "big.txt"), string.Concat(Enumerable.Range(0, 500).Select(i => $"line {i:D4} of a long file\n")));
        await using var harness = await McpHarness.StartAsync(settings: Settings(("Lumina:Policy:MaxResultBytes", "2048")));

        var result = await harness.Client.CallToolAsync("files_read", new Dictionary<string, object?> { ["path"] = "big.txt" });

        result.IsError.Should().NotBe(true, Text(result));
        var text = Text(result);
        text.Should().MatchRegex(@"\[truncated: \d+(\.\d)? KB, showing the first 2 KB\]$");
        text.Should().Contain("line 0000 of a long file").And.NotContain("line 0499 of a long file", "the end was cut off");
        result.StructuredContent.Should().BeNull("a cut JSON document is no longer structured content");
        System.Text.Encoding.UTF8.GetByteCount(text[..text.LastIndexOf("\n[truncated", StringComparison.Ordinal)]).Should().BeLessThanOrEqualTo(2048);
    }

    [Fact]
    public async Task OversizeResult_KeptAsResource_ReadBackBySameCallerOnly()
    {
        var content = string.Concat(Enumerable.Range(0, 500).Select(i => $"line {i:D4} of a long file\n"));
        File.WriteAllText(Path.Combine(_root, "big.txt"), content);
        var clock = new ManualWallClock(DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var caller = new SwitchableCaller { Id = "ada" };
        await using var harness = await McpHarness.StartAsync(
            settings: Settings(("Lumina:Policy:MaxResultBytes", "2048"), ("Lumina:Policy:OversizeResults", "resource")),
            configureServices: s => s.AddSingleton<TimeProvider>(clock).AddSingleton<ILuminaCallerResolver>(caller));

        var result = await harness.Client.CallToolAsync("files_read", new Dictionary<string, object?> { ["path"] = "big.txt" });

        result.IsError.Should().NotBe(true, Text(result));
        var link = result.Content.OfType<ResourceLinkBlock>().Should().ContainSingle().Subject;
        link.Uri.Should().StartWith("lumina://results/");
        Text(result).Should().Contain(link.Uri);
        var read = await harness.Client.ReadResourceAsync(link.Uri);
        var full = read.Contents.OfType<TextResourceContents>().Should().ContainSingle().Subject.Text;
        full.Should().Contain("line 0000 of a long file").And.Contain("line 0499 of a long file");
        full.Length.Should().BeGreaterThan(2048);

        // Another caller cannot read it, and learns nothing from trying.
        caller.Id = "bob";
        var stranger = async () => await harness.Client.ReadResourceAsync(link.Uri);
        (await stranger.Should().ThrowAsync<McpProtocolException>()).Which.Message.Should().Contain("No kept result");
        caller.Id = "ada";
        (await harness.Client.ReadResourceAsync(link.Uri)).Contents.Should().ContainSingle();

        // After the retention it has gone.
        clock.Advance(TimeSpan.FromMinutes(6));
        var expired = async () => await harness.Client.ReadResourceAsync(link.Uri);
        (await expired.Should().ThrowAsync<McpProtocolException>()).Which.Message.Should().Contain("No kept result");
    }
}

/// <summary>A caller whose id the test changes between requests.</summary>
internal sealed class SwitchableCaller : ILuminaCallerResolver
{
    public string Id { get; set; } = "local";

    public LuminaCaller Resolve(JsonRpcRequest request) => new(Id, Id, "user", LuminaTransport.Http, IsAuthenticated: true);
}

