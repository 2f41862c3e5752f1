using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Core.Auth;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>A kernel function served as an MCP tool.</summary>
internal sealed partial class KernelMcpTool : McpServerTool
{
    private readonly LuminaFunction _function;
    private readonly KernelInvoker _invoker;
    private readonly ILogger _logger;
    private readonly bool _structured;

    public KernelMcpTool(LuminaFunction function, KernelInvoker invoker, ILogger logger)
    {
        _function = function;
        _invoker = invoker;
        _logger = logger;
        var output = function.Kind == LuminaFunctionKind.PromptTemplate ? null : KernelSchemas.Output(function);
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
        Metadata = [function];
    }

    public override Tool ProtocolTool { get; }

    public override IReadOnlyList<object> Metadata { get; }

    public LuminaFunction Function => _function;

    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        var name = ProtocolTool.Name;
        try
        {
            var context = _invoker.CreateContext(request, request.Params?.ProgressToken, name);
            await _invoker.AuthorizeAsync(context, _function, LuminaAccess.ToolCall, KernelInvoker.Asked(request.Params?.Arguments), cancellationToken).ConfigureAwait(false);
            var arguments = KernelArgumentBinder.Bind(_function, request.Params?.Arguments, name);
            var result = await _invoker.InvokeAsync(context, _function, arguments, cancellationToken).ConfigureAwait(false);
            return _function.Kind == LuminaFunctionKind.PromptTemplate
                ? McpContent.Text(result.ToString())
                : McpContent.ToolResult(result.GetValue<object>(), _structured);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (LuminaException ex)
        {
            LogToolRefused(name, ex.Message);
            return McpContent.Error(ex.Message);
        }
        catch (Exception ex)
        {
            var reference = Guid.NewGuid().ToString("N")[..12];
            LogToolFailed(ex, name, reference);
            return McpContent.Error($"The tool '{name}' failed unexpectedly. The details are in the server's log (reference {reference}).");
        }
    }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Tool {Tool} refused the call: {Reason}")]
    private partial void LogToolRefused(string tool, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tool {Tool} failed (reference {Reference}).")]
    private partial void LogToolFailed(Exception exception, string tool, string reference);
}
