using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Core.Audit;
using Lumina.Core.Policy;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Lumina.Workflows.Engine;

/// <summary>
/// Runs one step of a run: its <c>when</c>, its <c>confirm</c>, its call (once, or once per <c>foreach</c> item at most
/// <c>concurrency</c> at a time) under its <c>retry</c> and <c>timeout</c>, its <c>on_error</c> and its <c>outputs</c>.
/// </summary>
/// <remarks>
/// Every finished step (and every finished <c>foreach</c> item, and every given confirmation) is recorded in the run
/// store's ledger under its key before the run goes on, and a step whose key is recorded is not run again: a run
/// resumed from an earlier checkpoint replays the recorded result instead. The key, prefixed with the run id, is also
/// the idempotency key given to tools that take one.
/// </remarks>
internal sealed class WorkflowStepRunner(WorkflowRunScope scope, bool confirmedBefore = false)
{
    /// <summary>The argument names under which a tool takes an idempotency key, if its schema has one.</summary>
    private static readonly string[] s_idempotencyArguments = ["idempotencyKey", "idempotency_key"];

    /// <summary>Runs <paramref name="step"/> (a call) against <paramref name="context"/> and returns its record: <c>result</c>, <c>outputs</c>, and <c>skipped</c>, <c>error</c> or <c>fallback</c> when they apply.</summary>
    public async Task<JsonObject> RunAsync(WorkflowStep step, JsonObject context, CancellationToken cancellationToken)
    {
        if (await scope.Store.GetStepAsync(scope.RunId, step.Id, cancellationToken).ConfigureAwait(false) is { } done)
        {
            return Parse(done);
        }

        var record = await ExecuteAsync(step, context, cancellationToken).ConfigureAwait(false);
        return await RecordAsync(step.Id, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a parallel block's branches run: its <c>when</c> holds and its <c>confirm</c>, if any, was given. A skipped block is recorded as such.</summary>
    public async Task<bool> OpenBlockAsync(WorkflowStep block, JsonObject context, CancellationToken cancellationToken)
    {
        if (await scope.Store.GetStepAsync(scope.RunId, block.Id + "?open", cancellationToken).ConfigureAwait(false) is { } decided)
        {
            return decided == "true";
        }

        var open = block.When is not { } when || WorkflowExpressions.IsTrue(when.Text, context);
        if (open && block.Confirm is { } confirm)
        {
            await ConfirmAsync(block, confirm, context, cancellationToken).ConfigureAwait(false);
        }

        return await scope.Store.RecordStepAsync(scope.RunId, block.Id + "?open", open ? "true" : "false", cancellationToken).ConfigureAwait(false) == "true";
    }

    /// <summary>Records a parallel block's own record once its branches have joined (or it was skipped).</summary>
    public async Task<JsonObject> RecordAsync(string key, JsonObject record, CancellationToken cancellationToken) =>
        Parse(await scope.Store.RecordStepAsync(scope.RunId, key, record.ToJsonString(), cancellationToken).ConfigureAwait(false));

    private async Task<JsonObject> ExecuteAsync(WorkflowStep step, JsonObject context, CancellationToken cancellationToken)
    {
        if (step.When is { } when && !WorkflowExpressions.IsTrue(when.Text, context))
        {
            return new JsonObject { ["result"] = null, ["skipped"] = true };
        }

        try
        {
            if (step.Confirm is { } confirm)
            {
                await ConfirmAsync(step, confirm, context, cancellationToken).ConfigureAwait(false);
            }

            return step.ForEach is null
                ? await CallAsync(step, context, step.Id, item: null, index: null, cancellationToken).ConfigureAwait(false)
                : await ForEachAsync(step, context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStepFailure(ex, cancellationToken))
        {
            var why = Describe(ex);
            switch (step.OnError)
            {
                case WorkflowOnError.Continue:
                    return new JsonObject { ["result"] = null, ["error"] = why };
                case WorkflowOnError.Fallback when step.Fallback is { } id && scope.Steps.TryGetValue(id, out var fallback):
                    var instead = await RunAsync(fallback, context, cancellationToken).ConfigureAwait(false);
                    var record = new JsonObject { ["result"] = instead["result"]?.DeepClone(), ["fallback"] = id, ["error"] = why };
                    if (instead["outputs"] is { } outputs)
                    {
                        record["outputs"] = outputs.DeepClone();
                    }

                    return record;
                default:
                    throw new WorkflowStepException($"Step '{step.Id}' ({scope.Definition.SourceFile}:{step.Line}) failed: {why}", ex) { StepId = step.Id };
            }
        }
    }

    private async Task<JsonObject> ForEachAsync(WorkflowStep step, JsonObject context, CancellationToken cancellationToken)
    {
        var items = WorkflowExpressions.Query(step.ForEach!.Text, context) switch
        {
            JsonArray array => array,
            null => [],
            var other => throw new WorkflowStepException($"Step '{step.Id}': 'foreach' must give an array, but gave {WorkflowValidator.TypeOf(other)}.") { StepId = step.Id },
        };

        var records = new JsonObject?[items.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, step.Concurrency), CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var key = string.Create(CultureInfo.InvariantCulture, $"{step.Id}#{index}");
                if (await scope.Store.GetStepAsync(scope.RunId, key, token).ConfigureAwait(false) is not { } done)
                {
                    var record = await CallAsync(step, context, key, items[index], index, token).ConfigureAwait(false);
                    done = await scope.Store.RecordStepAsync(scope.RunId, key, record.ToJsonString(), token).ConfigureAwait(false);
                }

                records[index] = Parse(done);
            }).ConfigureAwait(false);

        var result = new JsonArray([.. records.Select(r => r!["result"]?.DeepClone())]);
        var all = new JsonObject { ["result"] = result };
        if (step.Outputs.Count > 0)
        {
            all["outputs"] = new JsonArray([.. records.Select(r => r!["outputs"]?.DeepClone())]);
        }

        return all;
    }

    private async Task<JsonObject> CallAsync(WorkflowStep step, JsonObject context, string key, JsonNode? item, int? index, CancellationToken cancellationToken)
    {
        var scoped = item is null && index is null ? context : With(context, ("item", item?.DeepClone()), ("index", index is { } i ? JsonValue.Create(i) : null));
        var arguments = new JsonObject();
        foreach (var (name, value) in step.With)
        {
            arguments[name] = WorkflowExpressions.Resolve(value.Value, scoped);
        }

        var tool = step.Call!;
        if (scope.SchemaOf(tool) is { } schema && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var name in s_idempotencyArguments)
            {
                if (properties.TryGetProperty(name, out _) && !arguments.ContainsKey(name))
                {
                    arguments[name] = $"{scope.RunId}/{key}";
                }
            }
        }

        var json = JsonSerializer.SerializeToElement(arguments, WorkflowJson.Options);
        var result = await Pipeline(step).ExecuteAsync(
            async token =>
            {
                using var _ = scope.Accessor.Push(scope.CallContext);

                // The user confirmed this step (or its parallel block): the policy guard does not ask again for its call.
                using var confirmed = confirmedBefore || step.Confirm is not null ? LuminaConfirmations.Confirmed(tool) : null;

                // The audit ledger records the call (and any call it makes) as this run's step: `wr_…/read#2`.
                using var audit = LuminaAuditContext.Push($"workflow {scope.RunId}/{key}");
                return await scope.Tools.CallAsync(tool, json, cancellationToken: token).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);

        var resultNode = JsonNode.Parse(result.GetRawText());
        var record = new JsonObject { ["result"] = resultNode };
        if (step.Outputs.Count > 0)
        {
            var withResult = With(scoped, ("result", resultNode?.DeepClone()));
            var outputs = new JsonObject();
            foreach (var (name, expression) in step.Outputs)
            {
                outputs[name] = expression.IsTemplate
                    ? WorkflowExpressions.Evaluate(expression.Text, withResult)
                    : WorkflowExpressions.Query(expression.Text, withResult);
            }

            record["outputs"] = outputs;
        }

        return record;
    }

    private async Task ConfirmAsync(WorkflowStep step, WorkflowValue confirm, JsonObject context, CancellationToken cancellationToken)
    {
        var key = step.Id + "?confirmed";
        if (await scope.Store.GetStepAsync(scope.RunId, key, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var question = WorkflowExpressions.Resolve(confirm.Value, context) switch
        {
            JsonValue v when v.TryGetValue<string>(out var text) => text,
            var other => other?.ToJsonString() ?? $"Run step '{step.Id}'?",
        };

        ElicitationResult answer;
        try
        {
            answer = await scope.CallContext.ElicitAsync(
                new ElicitationRequest($"Workflow '{scope.Definition.Name}', step '{step.Id}': {question}", new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() }),
                cancellationToken).ConfigureAwait(false);
        }
        catch (LuminaClientCapabilityException ex)
        {
            throw new WorkflowStepException($"Step '{step.Id}' needs your confirmation (\"{question}\"), but the client cannot be asked: {ex.Message}", ex) { StepId = step.Id };
        }

        if (!answer.IsAccepted)
        {
            throw new WorkflowDeclinedException($"You declined step '{step.Id}' (\"{question}\"), so the run stopped before it.");
        }

        await scope.Store.RecordStepAsync(scope.RunId, key, "true", cancellationToken).ConfigureAwait(false);
    }

    private ResiliencePipeline Pipeline(WorkflowStep step)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = scope.Time };
        if (step.Retry is { Attempts: > 1 } retry)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = retry.Attempts - 1,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => IsRetried(ex, retry.On)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(retry.Backoff, args.AttemptNumber)),
            });
        }

        if (step.Timeout is { } timeout)
        {
            builder.AddTimeout(new TimeoutStrategyOptions
            {
                Timeout = timeout,
            });
        }

        return builder.Build();
    }

    /// <summary>The delay before attempt <paramref name="attempt"/> + 2: the initial delay times the multiplier to the attempt number, at most the maximum.</summary>
    internal static TimeSpan Delay(WorkflowBackoff backoff, int attempt)
    {
        var ticks = backoff.Initial.Ticks * Math.Pow(backoff.Multiplier, attempt);
        return ticks >= backoff.Max.Ticks ? backoff.Max : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Whether a retry with <paramref name="on"/> applies to <paramref name="ex"/>.</summary>
    internal static bool IsRetried(Exception ex, IReadOnlySet<WorkflowErrorKind> on) => Kind(ex) switch
    {
        null => false,
        WorkflowErrorKind.Timeout => on.Contains(WorkflowErrorKind.Timeout) || on.Contains(WorkflowErrorKind.Any),
        WorkflowErrorKind.Unavailable => on.Contains(WorkflowErrorKind.Unavailable) || on.Contains(WorkflowErrorKind.Any),
        _ => on.Contains(WorkflowErrorKind.Any),
    };

    /// <summary>What kind of failure <paramref name="ex"/> is, or null for one that is never retried (a refusal, a declined confirmation, a cancellation).</summary>
    internal static WorkflowErrorKind? Kind(Exception ex) => ex switch
    {
        TimeoutRejectedException => WorkflowErrorKind.Timeout,
        LuminaRefusalException { Kind: LuminaRefusalKind.Limit or LuminaRefusalKind.Unavailable } => WorkflowErrorKind.Unavailable,
        LuminaRefusalException or WorkflowStepException or OperationCanceledException => null,
        HttpRequestException or TimeoutException => WorkflowErrorKind.Unavailable,
        _ => WorkflowErrorKind.Any,
    };

    /// <summary>A failure <c>on_error</c> handles: anything but the run's own cancellation and a declined confirmation.</summary>
    private static bool IsStepFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is not WorkflowDeclinedException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private static string Describe(Exception ex) => ex switch
    {
        TimeoutRejectedException timeout => $"it took longer than {timeout.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s",
        _ => ex.Message,
    };

    private static JsonObject With(JsonObject context, params (string Name, JsonNode? Value)[] values)
    {
        var copy = new JsonObject();
        foreach (var (name, value) in context)
        {
            copy[name] = value?.DeepClone();
        }

        foreach (var (name, value) in values)
        {
            copy[name] = value;
        }

        return copy;
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json) as JsonObject ?? new JsonObject { ["result"] = null };
}
