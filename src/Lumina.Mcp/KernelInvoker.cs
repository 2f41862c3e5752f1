using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Core.Auth;
using Microsoft.SemanticKernel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>
/// Runs a kernel function for an MCP request through <see cref="Kernel.InvokeAsync(KernelFunction, KernelArguments?, CancellationToken)"/>,
/// so every kernel filter (authorization, memory, audit, policy, telemetry) sees the call, with the request's call context current.
/// </summary>
/// <remarks>
/// Never serve a function through <c>KernelFunction.WithKernel(...)</c>/<c>AsAIFunction</c>: that path skips the filters
/// (see shared/notes/sk-mcp-pitfalls.md).
/// </remarks>
internal sealed class KernelInvoker(LuminaPluginRegistry registry, ILuminaCallContextAccessor accessor, ILuminaCallerResolver callers, ILuminaAuthorizer authorizer)
{
    public ILuminaCallContext CreateContext<TParams>(RequestContext<TParams> request, ProgressToken? progressToken, string name) =>
        new McpCallContext(request.Server, request.JsonRpcRequest, progressToken, callers.Resolve(request.Server, request.JsonRpcRequest), name, request.EnablePollingAsync);

    /// <summary>
    /// Refuses a caller who may not use <paramref name="function"/> before its arguments are even looked at, so a hidden
    /// function answers "forbidden" and nothing else. The kernel's filter checks again when it runs.
    /// </summary>
    /// <exception cref="LuminaForbiddenException">The caller's role lacks the permission.</exception>
    public void Authorize(ILuminaCallContext context, LuminaFunction function) => authorizer.Demand(context.Caller, function.Function);

    public async Task<FunctionResult> InvokeAsync(ILuminaCallContext context, LuminaFunction function, KernelArguments arguments, CancellationToken cancellationToken)
    {
        using var scope = accessor.Push(context);
        return await registry.Kernel.InvokeAsync(function.Function, arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Renders a prompt template for prompts/get: no function runs, so the authorization filter is asked here.</summary>
    public async Task<string> RenderAsync(ILuminaCallContext context, LuminaFunction function, PromptTemplateConfig template, KernelArguments arguments, CancellationToken cancellationToken)
    {
        authorizer.Demand(context.Caller, function.Function);
        using var scope = accessor.Push(context);
        var prompt = new KernelPromptTemplateFactory().Create(template);
        return await prompt.RenderAsync(registry.Kernel, arguments, cancellationToken).ConfigureAwait(false);
    }
}
