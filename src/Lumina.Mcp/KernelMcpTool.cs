using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Auth;
using Lumina.Core.Invocation;
using Lumina.Core.Plugins;
using Lumina.Core.Tools;
using Lumina.Mcp.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>A kernel function served as an MCP tool.</summary>
internal sealed class KernelMcpTool : McpServerTool
{
    private readonly LuminaFunction _function;
    private readonly KernelInvoker _invoker;
    private readonly bool _structured;

    public KernelMcpTool(LuminaFunction function, KernelInvoker invoker, OutputSchemaSnapshot? schemas = null)
    {
        _function = function;
        _invoker = invoker;
        if (LuminaDescribed.Of(function.Function) is { } described)
        {
            // An upstream server's tool: served exactly as its server describes it, under its served name.
            var tool = described.Descriptor.Deserialize<Tool>(McpJsonUtilities.DefaultOptions)
                ?? throw new InvalidOperationException($"The descriptor of {function} is empty.");
            tool.Name = function.ToolName;
            ProtocolTool = tool;
            _structured = tool.OutputSchema is not null;
        }
        else
        {
            var output = function.Kind == LuminaFunctionKind.PromptTemplate ? null : KernelSchemas.Output(function, schemas);
            _structured = output is not null;
            ProtocolTool = new Tool
            {
                Name = function.ToolName,
                Title = function.Tool?.Title,
                Description = function.Kind == LuminaFunctionKind.PromptTemplate
                    ? $"{function.Description} (Runs the prompt on a model and returns the model's answer.)"
                    : function.Description,
                InputSchema = KernelSchemas.Input(function),
                OutputSchema = output,
                Annotations = Annotations(function),
            };
        }

        Metadata = [function];
    }

    public override Tool ProtocolTool { get; }

    public override IReadOnlyList<object> Metadata { get; }

    public LuminaFunction Function => _function;

    /// <summary>Whether a client of the tasks extension may get this tool's calls as tasks.</summary>
    public LuminaTaskSupport TaskSupport => _function.Tool?.TaskSupport ?? LuminaTaskSupport.None;

    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        var context = _invoker.CreateContext(request, request.Params?.ProgressToken, ProtocolTool.Name);
        var outcome = await _invoker.Core.InvokeAsync(context, _function, LuminaAccess.ToolCall, request.Params?.Arguments, cancellationToken).ConfigureAwait(false);
        return Answer(context, outcome);
    }

    /// <summary>
    /// A call from a client of the tasks extension: a task made before the function runs, or (a tool that starts its
    /// task itself) one made when the function calls <c>ContinueAsTaskAsync</c>, with an ordinary answer if it never
    /// does. A caller who may not call the tool is refused in the request, as always, and gets no task.
    /// </summary>
    public async ValueTask<ResultOrAlternate<CallToolResult>> InvokeAsTaskAsync(RequestContext<CallToolRequestParams> request, LuminaTaskRunner tasks, CancellationToken cancellationToken)
    {
        var services = request.Services ?? throw new InvalidOperationException("The MCP server has no services.");
        var context = _invoker.CreateContext(request, progressToken: null, ProtocolTool.Name);
        if (!services.GetRequiredService<ILuminaAuthorizer>().IsAllowed(context.Caller, _function.Function))
        {
            return await InvokeAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var arguments = request.Params?.Arguments;
        if (_function.Tool?.TaskStartsInCall != true)
        {
            TaskRun run;
            try
            {
                run = await tasks.CreateAsync(context.Caller.Id, ProtocolTool.Name, cancellationToken).ConfigureAwait(false);
            }
            catch (LuminaLimitException ex)
            {
                return McpContent.Error(ex.Message);
            }

            context.RunAsTask(run);
            tasks.Follow(run, Task.Run(async () => TaskAnswer(context, await _invoker.Core.InvokeAsync(context, _function, LuminaAccess.ToolCall, arguments, run.Token).ConfigureAwait(false)), CancellationToken.None));
            return Created(run, tasks);
        }

        // The call runs under its own cancellation: the request's until it becomes a task, the task's after.
        var cancel = new CancellationTokenSource();
        var fromRequest = cancellationToken.Register(cancel.Cancel);
        var continued = new TaskCompletionSource<TaskRun>(TaskCreationOptions.RunContinuationsAsynchronously);
        context.AllowTask(async ct =>
        {
            var run = await tasks.CreateAsync(context.Caller.Id, ProtocolTool.Name, ct).ConfigureAwait(false);
            await fromRequest.DisposeAsync().ConfigureAwait(false);
            run.Token.Register(cancel.Cancel);
            continued.TrySetResult(run);
            return run;
        });
        var invocation = _invoker.Core.InvokeAsync(context, _function, LuminaAccess.ToolCall, arguments, cancel.Token);
        await Task.WhenAny(invocation, continued.Task).ConfigureAwait(false);
        if (!continued.Task.IsCompleted)
        {
            await fromRequest.DisposeAsync().ConfigureAwait(false);
            cancel.Dispose();
            return Answer(context, await invocation.ConfigureAwait(false));
        }

        var started = await continued.Task.ConfigureAwait(false);
        tasks.Follow(started, FinishAsync(context, invocation, cancel));
        return Created(started, tasks);
    }

    private static ResultOrAlternate<CallToolResult> Created(TaskRun run, LuminaTaskRunner tasks) =>
        ResultOrAlternate<CallToolResult>.FromAlternate(TaskWire.Created(run.Created, tasks.Options.TaskPollInterval), TasksJsonContext.Default.CreatedTaskResult);

    private async Task<CallToolResult> FinishAsync(McpCallContext context, Task<InvocationOutcome> invocation, CancellationTokenSource cancel)
    {
        try
        {
            return TaskAnswer(context, await invocation.ConfigureAwait(false));
        }
        finally
        {
            cancel.Dispose();
        }
    }

    /// <summary>
    /// A task's end: as the request's answer would be, except that an unexpected failure ends the task as failed
    /// (a protocol-level error), which is what a failed task means; a refusal or an error the function reported is a
    /// completed task with an error result.
    /// </summary>
    private CallToolResult TaskAnswer(McpCallContext context, InvocationOutcome outcome) => outcome is InvocationFailed failed
        ? throw new McpProtocolException(failed.Message, McpErrorCode.InternalError)
        : Answer(context, outcome);

    private CallToolResult Answer(McpCallContext context, InvocationOutcome outcome) => KernelInvoker.ToolResult(context, outcome, Success);

    /// <summary>The tool's result for a call that succeeded.</summary>
    internal CallToolResult Success(FunctionResult result) => result.GetValue<object>() switch
    {
        // An upstream server's answer goes to the client as it came: content, structured content, isError.
        CallToolResult upstream => upstream,
        var value when _function.Kind == LuminaFunctionKind.PromptTemplate => McpContent.Text(result.ToString()),
        var value => McpContent.ToolResult(value, _structured),
    };

    private static ToolAnnotations? Annotations(LuminaFunction function)
    {
        if (function.Kind == LuminaFunctionKind.PromptTemplate)
        {
            // A prompt tool only asks a model: it changes nothing here.
            return new ToolAnnotations { ReadOnlyHint = true, DestructiveHint = false, IdempotentHint = false, OpenWorldHint = false };
        }

        return function.Tool is not { } tool
            ? null
            : new ToolAnnotations
            {
                Title = tool.Title,
                ReadOnlyHint = tool.ReadOnly,
                DestructiveHint = tool.Destructive,
                IdempotentHint = tool.Idempotent,
                OpenWorldHint = tool.OpenWorld,
            };
    }
}
