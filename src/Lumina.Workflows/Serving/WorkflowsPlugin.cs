using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Core.Auth;
using Lumina.Core.Workflows;
using Lumina.Workflows.Engine;
using Microsoft.SemanticKernel;

namespace Lumina.Workflows.Serving;

/// <summary>
/// A caller's workflow runs and the served workflows' definitions: runs as resources (<c>workflow://runs/{id}</c>),
/// definitions as resources (<c>workflow://definitions/{name}</c>), and tools to list, cancel and (administrators) resume runs. A caller sees
/// only their own runs; an admin sees everyone's.
/// </summary>
[LuminaPlugin(PluginName, Description = "Lists, reads and cancels your workflow runs, and shows the definitions of the served workflows.")]
[LuminaRequires(LuminaPermission.Read)]
public sealed class WorkflowsPlugin(IWorkflowRunStore store, WorkflowEngine engine, WorkflowCatalogService catalog, ILuminaCallContextAccessor context)
{
    /// <summary>The plugin's name.</summary>
    public const string PluginName = "workflows";

    /// <summary>The caller's runs, newest first.</summary>
    [KernelFunction("runs")]
    [Description("Your workflow runs, newest first: id, workflow, status, steps done and when it started. Read workflow://runs/{id} for one run's outputs or error.")]
    [LuminaTool(Title = "List workflow runs", ReadOnly = true, Idempotent = true)]
    public async Task<JsonElement> RunsAsync(
        [Description("Only the runs still going on.")] bool unfinishedOnly = false,
        [Description("How many runs, 1 to 100 (default 20).")] int limit = 20,
        CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 100)
        {
            throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"limit must be between 1 and 100 (got {limit}).");
        }

        var caller = context.Current.Caller;
        var runs = await store.ListAsync(IsAdmin(caller) ? null : caller.Id, unfinishedOnly, limit, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToElement(new JsonObject { ["runs"] = new JsonArray([.. runs.Select(Summary)]) }, WorkflowJson.Options);
    }

    /// <summary>Cancels one of the caller's runs.</summary>
    [KernelFunction("cancel")]
    [Description("Cancels one of your workflow runs that is still going on. The step running is stopped; finished steps stay done.")]
    [LuminaTool(Title = "Cancel a workflow run", Idempotent = true)]
    public async Task<JsonElement> CancelAsync([Description("The run id (wr_…).")] string run, CancellationToken cancellationToken = default)
    {
        await OwnedAsync(run, cancellationToken).ConfigureAwait(false);
        var after = await engine.CancelAsync(run, cancellationToken).ConfigureAwait(false)
            ?? throw new LuminaRefusalException(LuminaRefusalKind.NotFound, $"There is no workflow run '{run}' for you.");
        return JsonSerializer.SerializeToElement(Summary(after), WorkflowJson.Options);
    }

    /// <summary>Resumes an interrupted run on this host (administrators: the run goes on as its owner, wherever it was started).</summary>
    [KernelFunction("resume")]
    [Description("Runs an interrupted workflow run on from its last checkpoint, on this host; finished steps are not run again. For administrators.")]
    [LuminaTool(Title = "Resume a workflow run", Idempotent = true)]
    [LuminaRequires(LuminaPermission.Manage)]
    public async Task<JsonElement> ResumeAsync([Description("The run id (wr_…).")] string run, CancellationToken cancellationToken = default)
    {
        var handle = await engine.ResumeAsync(run, force: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (handle is not null)
        {
            return JsonSerializer.SerializeToElement(Summary(handle.Run), WorkflowJson.Options);
        }

        var stored = await store.GetAsync(run, cancellationToken).ConfigureAwait(false);
        throw stored switch
        {
            null => new LuminaRefusalException(LuminaRefusalKind.NotFound, $"There is no workflow run '{run}'."),
            { IsTerminal: true } => new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"Run {run} has ended ({stored.Status.ToString().ToLowerInvariant()})."),
            _ when stored.Runner == engine.InstanceId => new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"Run {run} is running on this host."),
            _ => new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"Run {run} is run by {stored.Runner}, which still says so; `lumina workflows resume {run} --force` takes it over."),
        };
    }

    /// <summary>One run: status, steps, outputs or error.</summary>
    [KernelFunction("run")]
    [Description("One of your workflow runs: its status, the steps finished, and its outputs (or why it failed).")]
    [LuminaResource("workflow://runs/{id}", Name = "workflow run", Title = "Workflow run", MimeType = "application/json")]
    public async Task<string> RunAsync([Description("The run id.")] string id, CancellationToken cancellationToken = default)
    {
        var run = await OwnedAsync(id, cancellationToken).ConfigureAwait(false);
        return await DescribeAsync(store, run, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A run as JSON: its summary, inputs, outputs or error, and its finished steps' records.</summary>
    public static async Task<string> DescribeAsync(IWorkflowRunStore store, WorkflowRunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(run);
        var detail = Summary(run);
        detail["inputs"] = JsonNode.Parse(run.Inputs);
        detail["outputs"] = run.Result is null ? null : JsonNode.Parse(run.Result);
        detail["error"] = run.Error;
        var steps = new JsonObject();
        foreach (var (key, result) in await store.ListStepsAsync(run.Id, cancellationToken).ConfigureAwait(false))
        {
            if (!key.Contains('#', StringComparison.Ordinal) && !key.Contains('?', StringComparison.Ordinal))
            {
                steps[key] = JsonNode.Parse(result);
            }
        }

        detail["steps"] = steps;
        return detail.ToJsonString(WorkflowJson.Indented);
    }

    /// <summary>A served workflow's YAML.</summary>
    [KernelFunction("definition")]
    [Description("The YAML definition of a served workflow: its inputs, steps and outputs.")]
    [LuminaResource("workflow://definitions/{name}", Name = "workflow definition", Title = "Workflow definition", MimeType = "application/yaml")]
    public async Task<string> Definition([Description("The workflow's name (its tool is workflow_<name>).")] string name, CancellationToken cancellationToken)
    {
        // Read at start beside the rest of it: a read made meanwhile waits for the files.
        await catalog.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return catalog.Find(name)?.Text ?? throw new LuminaRefusalException(LuminaRefusalKind.NotFound, $"There is no workflow '{name}'; served: {string.Join(", ", catalog.Workflows.Select(w => w.Definition.Name))}.");
    }

    private async Task<WorkflowRunRecord> OwnedAsync(string id, CancellationToken cancellationToken)
    {
        var caller = context.Current.Caller;
        var run = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return run is not null && (run.OwnerId == caller.Id || IsAdmin(caller))
            ? run
            : throw new LuminaRefusalException(LuminaRefusalKind.NotFound, $"There is no workflow run '{id}' for you.");
    }

    private static bool IsAdmin(LuminaCaller caller) => LuminaRoles.Grants(caller.Role, LuminaPermission.Manage);

    internal static JsonObject Summary(WorkflowRunRecord run) => new()
    {
        ["id"] = run.Id,
        ["workflow"] = run.Workflow,
        ["status"] = run.Status.ToString().ToLowerInvariant(),
        ["message"] = run.StatusMessage,
        ["stepsDone"] = run.StepsDone,
        ["stepsTotal"] = run.StepsTotal,
        ["owner"] = run.OwnerId,
        ["createdAt"] = run.CreatedAt,
        ["updatedAt"] = run.LastUpdatedAt,
        ["resumes"] = run.Resumes,
        ["resource"] = WorkflowResources.RunUri(run.Id),
    };
}
