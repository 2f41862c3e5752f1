using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>The real lumina process over stdio with a client of the stateless 2026-07-28 revision, which never initializes.</summary>
public sealed class StdioStatelessTests
{
    [Fact]
    public async Task A2026Client_DiscoversAndCalls_AndTheUserConfirmsThroughAnInputRequiredResult()
    {
        using var data = new TempDirectory();
        using var root = new TempDirectory();
        var confirmations = new List<string>();
        // The client starts the host and probes it with server/discover: by default it gives up on the probe after 5 s,
        // which a host starting on a loaded machine can take (then a 2026-07-28-only client cannot connect at all).
        var options = new McpClientOptions { ProtocolVersion = "2026-07-28", DiscoverProbeTimeout = Timeout.InfiniteTimeSpan };
        options.Handlers.ElicitationHandler = Confirming.Everything(confirmations);
        await using var client = await McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = "lumina",
                Command = "dotnet",
                Arguments = LuminaProcess.IsolatedArguments(data.Path, $"--Lumina:Files:Roots:0={root.Path}"),
            }),
            options);

        var tools = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
        var now = await client.CallToolAsync("time_now");
        var written = await client.CallToolAsync("files_write", new Dictionary<string, object?> { ["path"] = "a.txt", ["content"] = "from a stateless client" });

        client.NegotiatedProtocolVersion.Should().Be("2026-07-28");
        tools.Should().Contain(["time_now", "files_write"]);
        now.IsError.Should().NotBe(true);
        written.IsError.Should().NotBe(true, string.Concat(written.Content.OfType<TextContentBlock>().Select(t => t.Text)));
        confirmations.Should().ContainSingle("the policy guard asked, in an input-required result the client answered in its next request")
            .Which.Should().Contain("files_write");
        File.ReadAllText(root.Combine("a.txt")).Should().Be("from a stateless client");
    }
}
