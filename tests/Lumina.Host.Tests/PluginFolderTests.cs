using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>A plugin assembly dropped into a watched folder while the real host runs is served at once.</summary>
public sealed class PluginFolderTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _plugins = new();

    public void Dispose()
    {
        _data.Dispose();
        _plugins.Dispose();
    }

    [Fact]
    public async Task PluginCopiedIntoTheFolder_IsLoadedAndClientsHearToolsChanged()
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = "dotnet",
                Arguments = LuminaProcess.IsolatedArguments(_data.Path, $"--Lumina:Plugins:Directories:0={_plugins.Path}"),
            }),
            new McpClientOptions
            {
                ProtocolVersion = "2025-11-25",
                Handlers = new McpClientHandlers
                {
                    NotificationHandlers = [new(NotificationMethods.ToolListChangedNotification, (_, _) => { changed.TrySetResult(); return ValueTask.CompletedTask; })],
                },
            });
        (await client.ListToolsAsync()).Select(t => t.Name).Should().NotContain("test_simple_text");

        foreach (var file in Directory.EnumerateFiles(LuminaProcess.ConformancePluginDirectory, "Lumina.Conformance.Plugin.*"))
        {
            File.Copy(file, Path.Combine(_plugins.Path, Path.GetFileName(file)));
        }

        await changed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var result = await client.CallToolAsync("test_simple_text");
        ((TextContentBlock)result.Content.Single()).Text.Should().Be("This is a simple text response for testing.");
        (await client.ListPromptsAsync()).Select(p => p.Name).Should().Contain("test_simple_prompt");
    }
}
