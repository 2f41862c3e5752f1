using System.Text.Json.Nodes;
using Lumina.Core;
using Lumina.Core.Plugins;
using Lumina.Mcp.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>Points the MCP server at Lumina's catalog and says what the server can do.</summary>
internal sealed class LuminaMcpServerOptionsSetup(LuminaMcpCatalog catalog, LuminaTaskRunner tasks) : IConfigureOptions<McpServerOptions>
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
        AddTasks(options);
    }

    /// <summary>
    /// The tasks extension (SEP-2663): declared, its three methods (routed by task id, <c>Mcp-Name</c>), and the
    /// tool-call step that makes a task of a call when the tool supports it and the client declared the extension.
    /// </summary>
    private void AddTasks(McpServerOptions options)
    {
        options.Capabilities!.Extensions ??= new Dictionary<string, object>();
        options.Capabilities.Extensions[TasksExtension.Id] = new JsonObject();
        options.RequestHandlers ??= [];
        options.RequestHandlers.Add(new McpServerRequestHandler { Method = TasksExtension.Get, RoutingNameParameter = "taskId", Handler = tasks.GetAsync });
        options.RequestHandlers.Add(new McpServerRequestHandler { Method = TasksExtension.Update, RoutingNameParameter = "taskId", Handler = tasks.UpdateAsync });
        options.RequestHandlers.Add(new McpServerRequestHandler { Method = TasksExtension.Cancel, RoutingNameParameter = "taskId", Handler = tasks.CancelAsync });
        options.Filters.Request.CallToolWithAlternateFilters.Add(async (request, next, cancellationToken) =>
        {
            if (request.MatchedPrimitive is null && request.Params?.Name is { } name && request.Services is { } services)
            {
                // A tool of a plugin that comes when first needed (an upstream server not connected yet): it comes now.
                foreach (var source in services.GetServices<ILuminaPluginSource>())
                {
                    await source.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
                }

                if (catalog.Tools.TryGetPrimitive(name, out var found))
                {
                    request.MatchedPrimitive = found;
                }
            }

            if (request.MatchedPrimitive is not KernelMcpTool { TaskSupport: not Abstractions.LuminaTaskSupport.None } tool)
            {
                return await next(request, cancellationToken).ConfigureAwait(false);
            }

            if (TasksExtension.Usable(request.JsonRpcRequest))
            {
                return await tool.InvokeAsTaskAsync(request, tasks, cancellationToken).ConfigureAwait(false);
            }

            return tool.TaskSupport == Abstractions.LuminaTaskSupport.Required
                ? throw TasksExtension.Missing($"Tool '{tool.ProtocolTool.Name}' runs only as a task: declare the '{TasksExtension.Id}' extension in the request's client capabilities.")
                : await next(request, cancellationToken).ConfigureAwait(false);
        });
    }
}
