using Lumina.Core.Auth;
using Lumina.Core.Plugins;
using Lumina.Core.Tools;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>A kernel function served as an MCP tool.</summary>
internal sealed class KernelMcpTool : McpServerTool
{
    private readonly LuminaFunction _function;
    private readonly KernelInvoker _invoker;
    private readonly bool _structured;

    public KernelMcpTool(LuminaFunction function, KernelInvoker invoker)
    {
        _function = function;
        _invoker = invoker;
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
        var context = _invoker.CreateContext(request, request.Params?.ProgressToken, ProtocolTool.Name);
        var outcome = await _invoker.Core.InvokeAsync(context, _function, LuminaAccess.ToolCall, request.Params?.Arguments, cancellationToken).ConfigureAwait(false);
        return KernelInvoker.ToolResult(context, outcome, result => _function.Kind == LuminaFunctionKind.PromptTemplate
            ? McpContent.Text(result.ToString())
            : McpContent.ToolResult(result.GetValue<object>(), _structured));
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
}
