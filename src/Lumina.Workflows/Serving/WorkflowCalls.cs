using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Core.Workflows;
using Lumina.Workflows.Engine;

namespace Lumina.Workflows.Serving;

/// <summary>A tool call that runs a workflow: as a task for a client that can poll one, else waiting up to the sync wait.</summary>
internal static class WorkflowCalls
{
    /// <summary>
    /// Runs <paramref name="definition"/> for the caller of <paramref name="context"/> and answers with its outputs —
    /// or, when it takes longer than <see cref="WorkflowOptions.SyncWait"/>, with its run id while it goes on. A client
    /// that declared MCP's tasks extension gets the call as a task instead, which ends with the run. A call the client
    /// cancels cancels the run.
    /// </summary>
    public static async Task<JsonElement> RunAsync(WorkflowEngine engine, WorkflowDefinition definition, string text, JsonObject arguments, ILuminaCallContext context, CancellationToken cancellationToken)
    {
        var asTask = await context.ContinueAsTaskAsync(cancellationToken).ConfigureAwait(false);
        var attached = new DetachableCallContext(context);
        var handle = await engine.StartAsync(definition, text, arguments, attached, cancellationToken).ConfigureAwait(false);
        WorkflowRunRecord run;
        try
        {
            run = asTask
                ? await handle.Completion.WaitAsync(cancellationToken).ConfigureAwait(false)
                : await handle.Completion.WaitAsync(engine.Options.SyncWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The run goes on without the client: its progress and questions have nowhere to go now.
            attached.Detach();
            return Running(handle.Run);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client cancelled its call: the run stops too.
            await handle.CancelAsync().ConfigureAwait(false);
            throw;
        }

        return run.Status switch
        {
            WorkflowRunStatus.Completed => JsonSerializer.SerializeToElement(JsonNode.Parse(run.Result ?? "{}"), WorkflowJson.Options),
            WorkflowRunStatus.Running => Running(run),
            WorkflowRunStatus.Cancelled => throw new LuminaRefusalException(LuminaRefusalKind.ConfirmationDeclined, $"Run {run.Id} of {definition.ToolName} was cancelled: {run.Error}"),
            _ => throw new LuminaException($"Run {run.Id} of {definition.ToolName} failed: {run.Error}"),
        };
    }

    private static JsonElement Running(WorkflowRunRecord run) => JsonSerializer.SerializeToElement(
        new JsonObject
        {
            ["runId"] = run.Id,
            ["status"] = "running",
            ["resource"] = WorkflowResources.RunUri(run.Id),
            ["message"] = $"The run goes on in the background. Read (or subscribe to) {WorkflowResources.RunUri(run.Id)} for its progress and outputs; workflows_cancel stops it.",
        },
        WorkflowJson.Options);
}
