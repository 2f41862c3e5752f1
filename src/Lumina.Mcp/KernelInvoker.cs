using System.Diagnostics;
using Lumina.Abstractions;
using Lumina.Core.Invocation;
using Microsoft.SemanticKernel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>
/// MCP's side of <see cref="LuminaInvoker"/>: the call context of an MCP request, and the one translation of an
/// <see cref="InvocationOutcome"/> into what MCP answers — a tool error result for a tool, a protocol error for a
/// prompt or a resource (which have no error result).
/// </summary>
/// <remarks>
/// Never serve a function through <c>KernelFunction.WithKernel(...)</c>/<c>AsAIFunction</c>: that path skips the filters
/// (see shared/notes/sk-mcp-pitfalls.md); <see cref="LuminaInvoker"/> runs every call through the kernel.
/// </remarks>
internal sealed class KernelInvoker(LuminaInvoker invoker, ILuminaCallerResolver callers)
{
    /// <summary>The invoker every MCP request runs its function through.</summary>
    public LuminaInvoker Core => invoker;

    public ILuminaCallContext CreateContext<TParams>(RequestContext<TParams> request, ProgressToken? progressToken, string name) =>
        new McpCallContext(request.Server, request.JsonRpcRequest, progressToken, callers.Resolve(request.Server, request.JsonRpcRequest), name, request.EnablePollingAsync);

    /// <summary>
    /// A tool's answer: <paramref name="success"/> of the result, or an error result with the refusal's message, or with
    /// the generic message and reference of a failure.
    /// </summary>
    public static CallToolResult ToolResult(InvocationOutcome outcome, Func<FunctionResult, CallToolResult> success) => outcome switch
    {
        InvocationSucceeded succeeded => success(succeeded.Result),
        InvocationRefused refused => McpContent.Error(refused.Message),
        InvocationFailed failed => McpContent.Error(failed.Message),
        _ => throw new UnreachableException(),
    };

    /// <summary>
    /// A prompt's or a resource's result, or the protocol error its client gets: a forbidden caller an invalid request
    /// (as a refused tool call, in the same words), any other refusal invalid parameters (the message says which), a
    /// failure an internal error naming its reference.
    /// </summary>
    /// <exception cref="McpProtocolException">The call did not succeed.</exception>
    public static FunctionResult Result(InvocationOutcome outcome) => outcome switch
    {
        InvocationSucceeded succeeded => succeeded.Result,
        InvocationRefused refused => throw new McpProtocolException(refused.Message, refused.Kind == LuminaRefusalKind.Forbidden ? McpErrorCode.InvalidRequest : McpErrorCode.InvalidParams),
        InvocationFailed failed => throw new McpProtocolException(failed.Message, McpErrorCode.InternalError),
        _ => throw new UnreachableException(),
    };
}
