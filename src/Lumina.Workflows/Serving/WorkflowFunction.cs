using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Core.Auth;
using Lumina.Core.Plugins;
using Lumina.Workflows.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Workflows.Serving;

/// <summary>
/// A workflow served as the tool <c>workflow_&lt;name&gt;</c>: its inputs are the tool's arguments, its outputs the
/// result. A call waits for the run up to <see cref="WorkflowOptions.SyncWait"/>, then answers with the run id while
/// the run goes on; a client that speaks MCP's tasks extension gets the run as a task instead.
/// </summary>
internal sealed class WorkflowFunction : ILuminaDescribedFunction
{
    private readonly IServiceProvider _services;
    private readonly bool _callsWorkflow;
    private readonly HashSet<string> _stepTools;

    private WorkflowFunction(LoadedWorkflow workflow, IServiceProvider services)
    {
        Workflow = workflow;
        _services = services;
        var definition = workflow.Definition;
        var calls = definition.AllSteps().Select(s => s.Call).OfType<string>().ToList();
        _callsWorkflow = calls.Any(c => c.StartsWith(WorkflowDefinition.ToolPrefix, StringComparison.Ordinal));
        _stepTools = calls.ToHashSet(StringComparer.Ordinal);
        Tool = new LuminaToolAttribute
        {
            Name = definition.ToolName,
            Title = Title(definition.Name),
            // Not destructive itself: each step is guarded (and confirmed) as its own call.
            ReadOnly = false,
            Destructive = false,
            Idempotent = false,
            OpenWorld = true,
            InputSchema = definition.InputSchema().GetRawText(),
            TaskSupport = LuminaTaskSupport.Optional,
            TaskStartsInCall = true,
        };
        Descriptor = JsonSerializer.SerializeToElement(
            new JsonObject
            {
                ["name"] = definition.ToolName,
                ["title"] = Tool.Title,
                ["description"] = Description(definition),
                ["inputSchema"] = JsonNode.Parse(Tool.InputSchema),
                ["annotations"] = new JsonObject { ["title"] = Tool.Title, ["readOnlyHint"] = false, ["destructiveHint"] = false, ["idempotentHint"] = false, ["openWorldHint"] = true },
            },
            WorkflowJson.Options);
    }

    public LoadedWorkflow Workflow { get; }

    public LuminaToolAttribute Tool { get; }

    /// <summary>Starting a run needs only read: every step is then checked as the caller's own call.</summary>
    public LuminaPermission Permission => LuminaPermission.Read;

    public JsonElement? OutputSchema => null;

    public JsonElement Descriptor { get; }

    public string? Quarantined => null;

    /// <summary>Shown to a caller who may call at least one of the tools its steps call.</summary>
    public bool IsVisibleTo(LuminaCaller caller)
    {
        // Another workflow's steps decide for it; following them here could loop through a cycle of workflows.
        if (_callsWorkflow)
        {
            return true;
        }

        var authorizer = _services.GetRequiredService<ILuminaAuthorizer>();
        foreach (var plugin in _services.GetRequiredService<LuminaPluginRegistry>().Plugins)
        {
            foreach (var function in plugin.Functions)
            {
                // A name may be served twice (an upstream's prompt and tool): any one the caller may call will do.
                if (_stepTools.Contains(function.ToolName) && authorizer.IsAllowed(caller, function.Function))
                {
                    return true;
                }
            }
        }

        return false;
    }

    public static KernelFunction Create(LoadedWorkflow workflow, IServiceProvider services)
    {
        var described = new WorkflowFunction(workflow, services);
        var definition = workflow.Definition;
        return KernelFunctionFactory.CreateFromMethod(
            (Kernel kernel, KernelArguments arguments, CancellationToken cancellationToken) =>
                described.RunAsync(Arguments(arguments), kernel.Services.GetService<ILuminaCallContextAccessor>()?.Current ?? LuminaCallContext.InProcess, cancellationToken),
            WorkflowJson.Options,
            new KernelFunctionFromMethodOptions
            {
                FunctionName = definition.Name,
                Description = Description(definition),
                Parameters = [.. definition.Inputs.Select(i => new KernelParameterMetadata(i.Key, WorkflowJson.Options)
                {
                    Description = i.Value.Description,
                    IsRequired = i.Value.Required && i.Value.Default is null,
                    Schema = KernelJsonSchema.Parse(JsonSerializer.Serialize(new JsonObject { ["type"] = i.Value.Type }, WorkflowJson.Options)),
                })],
                ReturnParameter = new KernelReturnParameterMetadata(WorkflowJson.Options) { Description = "The workflow's outputs, or the id of the run still going on." },
                AdditionalMetadata = new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?> { [LuminaDescribed.Key] = described }),
            });
    }

    private Task<JsonElement> RunAsync(JsonObject arguments, ILuminaCallContext context, CancellationToken cancellationToken)
    {
        // Called by name though hidden: a caller who may use none of its tools is refused before a run starts.
        if (!IsVisibleTo(context.Caller))
        {
            throw new LuminaForbiddenException($"Forbidden: {Workflow.Definition.ToolName} calls only tools that {context.Caller.Name} (role '{context.Caller.Role}') may not use.");
        }

        return WorkflowCalls.RunAsync(_services.GetRequiredService<WorkflowEngine>(), Workflow.Definition, Workflow.Text, arguments, context, cancellationToken);
    }

    private static JsonObject Arguments(KernelArguments arguments)
    {
        var json = new JsonObject();
        foreach (var (name, value) in arguments)
        {
            json[name] = value switch
            {
                null => null,
                JsonElement element => JsonNode.Parse(element.GetRawText()),
                JsonNode node => node.DeepClone(),
                _ => JsonSerializer.SerializeToNode(value, value.GetType(), WorkflowJson.Options),
            };
        }

        return json;
    }

    private static string Description(WorkflowDefinition definition) =>
        $"{definition.Description} (A workflow of {definition.AllSteps().Count()} steps; each runs with your permissions. Its definition is the resource {WorkflowResources.DefinitionUri(definition.Name)}.)";

    private static string Title(string name) =>
        string.Join(' ', name.Split('_', StringSplitOptions.RemoveEmptyEntries).Select((w, i) => i == 0 ? char.ToUpperInvariant(w[0]) + w[1..] : w));
}
