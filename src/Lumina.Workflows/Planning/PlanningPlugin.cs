using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Workflows.Engine;
using Lumina.Workflows.Serving;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Workflows.Planning;

/// <summary>
/// Plans that are checked before they run: <c>plan</c> has a model (a configured provider, or the client's own through
/// sampling) write a workflow over the caller's visible tools and repairs it until it validates; <c>plan_run</c> runs
/// a plan once the user agrees; <c>plan_save</c> keeps one as a workflow file.
/// </summary>
[LuminaPlugin(PluginName, Description = "Writes checked workflow plans for a goal, runs them after you agree, and saves them as workflows.")]
[LuminaRequires(LuminaPermission.Execute)]
public sealed class PlanningPlugin(IServiceProvider services, ILuminaTools tools, ILuminaCallContextAccessor context, WorkflowEngine engine)
{
    /// <summary>The plugin's name: its tools are never offered to a plan.</summary>
    public const string PluginName = "planning";

    private static readonly string[] s_self = [PluginName];

    /// <summary>A checked plan for a goal.</summary>
    [KernelFunction("plan")]
    [Description("Writes a plan for a goal: a workflow over the tools you may use, checked (the tools exist and you may call them, the arguments fit, every step reads only earlier ones) and repaired until it is valid. Returns the plan as YAML with a readable summary; run it with plan_run.")]
    [LuminaTool(Name = "plan", Title = "Plan", ReadOnly = true, OpenWorld = true)]
    public async Task<JsonElement> PlanAsync(
        [Description("What you want done, in plain words.")] string goal,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(goal))
        {
            throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, "goal is empty: say what you want done.");
        }

        var chat = services.GetService<IChatClient>()
            ?? throw new LuminaRefusalException(LuminaRefusalKind.Unavailable, "No model to plan with: this host has no chat service (configure Lumina:Providers, or connect a client that supports sampling).");
        var visible = tools.List(s_self);
        var outcome = await new WorkflowPlanner(chat).PlanAsync(goal, visible, Math.Clamp(engine.Options.PlanRepairRounds, 0, 5), cancellationToken).ConfigureAwait(false);
        if (outcome.Plan is not { } plan)
        {
            throw new LuminaRefusalException(
                LuminaRefusalKind.InvalidArgument,
                $"No valid plan after {outcome.Attempts} tries. The last one's errors:\n{string.Join('\n', outcome.Errors)}\n\nThe last plan:\n{outcome.Yaml}");
        }

        return JsonSerializer.SerializeToElement(
            new JsonObject
            {
                ["name"] = plan.Name,
                ["summary"] = WorkflowPlanner.Summarize(plan),
                ["plan"] = outcome.Yaml,
                ["attempts"] = outcome.Attempts,
                ["inputs"] = JsonNode.Parse(plan.InputSchema().GetRawText()),
            },
            WorkflowJson.Options);
    }

    /// <summary>Runs a plan after the user agrees.</summary>
    [KernelFunction("plan_run")]
    [Description("Runs a plan (the YAML plan returned) after you confirm it, with its inputs. It is checked again first, against the tools you may use now. Returns the plan's outputs, or a run id to follow when it takes longer.")]
    [LuminaTool(Name = "plan_run", Title = "Run a plan", OpenWorld = true, TaskSupport = LuminaTaskSupport.Optional, TaskStartsInCall = true)]
    public async Task<JsonElement> RunAsync(
        [Description("The plan: the YAML plan returned (or any workflow YAML).")] string plan,
        [Description("The plan's inputs, a JSON object.")] JsonElement? arguments = null,
        CancellationToken cancellationToken = default)
    {
        var definition = Checked(plan);
        var call = context.Current;
        if (engine.Options.ConfirmPlans)
        {
            ElicitationResult answer;
            try
            {
                answer = await call.ElicitAsync(
                    new ElicitationRequest($"Run this plan?\n{WorkflowPlanner.Summarize(definition)}", new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() }),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (LuminaClientCapabilityException ex)
            {
                throw new LuminaRefusalException(LuminaRefusalKind.ConfirmationDeclined, $"A plan runs only once you confirm it, but this client cannot ask you ({ex.Message}). An administrator can run plans without confirmation with Lumina:Workflows:ConfirmPlans=false.", ex);
            }

            if (!answer.IsAccepted)
            {
                throw new LuminaRefusalException(LuminaRefusalKind.ConfirmationDeclined, "You declined the plan; nothing was run.");
            }
        }

        var inputs = arguments is { ValueKind: JsonValueKind.Object } given ? JsonNode.Parse(given.GetRawText())!.AsObject() : [];
        return await WorkflowCalls.RunAsync(engine, definition, plan, inputs, call, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Keeps a plan as a workflow file.</summary>
    [KernelFunction("plan_save")]
    [Description("Saves a plan as a workflow file in the first folder of Lumina:Workflows:Directories, so it is served as the tool workflow_<name> for everyone who may use its tools.")]
    [LuminaTool(Name = "plan_save", Title = "Save a plan as a workflow")]
    [LuminaRequires(LuminaPermission.Manage)]
    public async Task<JsonElement> SaveAsync(
        [Description("The plan: the YAML plan returned.")] string plan,
        [Description("Replace a workflow file of the same name.")] bool overwrite = false,
        CancellationToken cancellationToken = default)
    {
        var definition = Checked(plan);
        var folder = engine.Options.Directories.FirstOrDefault()
            ?? throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, "No folder to save workflows in: set Lumina:Workflows:Directories:0.");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(Path.GetFullPath(folder), definition.Name + ".yaml");
        try
        {
            await using var file = new FileStream(path, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None);
            await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(plan), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"A workflow file {definition.Name}.yaml exists already; pass overwrite=true to replace it.");
        }

        return JsonSerializer.SerializeToElement(new JsonObject { ["path"] = path, ["tool"] = definition.ToolName }, WorkflowJson.Options);
    }

    /// <summary>The plan parsed and valid against what the caller may call now.</summary>
    private WorkflowDefinition Checked(string plan)
    {
        if (string.IsNullOrWhiteSpace(plan))
        {
            throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, "plan is empty: pass the YAML plan returned.");
        }

        var (definition, errors) = WorkflowPlanner.Check(plan, new WorkflowCatalog(tools.List(s_self)));
        return definition ?? throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, "The plan is not valid:\n" + string.Join('\n', errors));
    }
}
