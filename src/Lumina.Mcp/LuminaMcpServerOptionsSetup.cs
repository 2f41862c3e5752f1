using Lumina.Core;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>Points the MCP server at Lumina's catalog and says what the server can do.</summary>
internal sealed class LuminaMcpServerOptionsSetup(LuminaMcpCatalog catalog) : IConfigureOptions<McpServerOptions>
{
    public void Configure(McpServerOptions options)
    {
        options.ServerInfo = new Implementation { Name = "lumina", Title = "Lumina", Version = LuminaVersion.Value };
        options.ServerInstructions ??=
            "Lumina serves Semantic Kernel plugins: tools named plugin_function, prompt templates as prompts (and as tools that run them), " +
            "and resources. File tools only reach the configured roots; a stdio client's roots add to them, an HTTP client's roots can only narrow them.";
        options.ToolCollection = catalog.Tools;
        options.PromptCollection = catalog.Prompts;
        options.ResourceCollection = catalog.Resources;
        options.Capabilities ??= new ServerCapabilities();
        options.Capabilities.Tools = new ToolsCapability { ListChanged = true };
        options.Capabilities.Prompts = new PromptsCapability { ListChanged = true };
        options.Capabilities.Resources = new ResourcesCapability { ListChanged = true, Subscribe = true };
        options.Capabilities.Completions = new CompletionsCapability();
    }
}
