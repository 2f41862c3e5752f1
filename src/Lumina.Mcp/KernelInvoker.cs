using System.Text.Json;
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
    /// Refuses a caller who may not use <paramref name="function"/> as <paramref name="access"/> says, before its
    /// arguments are even looked at, so a hidden function answers "forbidden" and nothing else. The authorizer records
    /// the refusal in the audit ledger with its kind; the kernel's filter checks again when the function runs.
    /// </summary>
    /// <exception cref="LuminaForbiddenException">The caller's role lacks the permission.</exception>
    public ValueTask AuthorizeAsync(ILuminaCallContext context, LuminaFunction function, LuminaAccess access, KernelArguments? arguments, CancellationToken cancellationToken) =>
        authorizer.DemandAsync(context.Caller, function.Function, access, arguments, cancellationToken);

    /// <summary>The arguments of an MCP request as the audit ledger digests them, before they are bound to parameters.</summary>
    public static KernelArguments? Asked(IDictionary<string, JsonElement>? arguments)
    {
        if (arguments is not { Count: > 0 })
        {
            return null;
        }

        var asked = new KernelArguments();
        foreach (var (name, value) in arguments)
        {
            asked[name] = value;
        }

        return asked;
    }

    public async Task<FunctionResult> InvokeAsync(ILuminaCallContext context, LuminaFunction function, KernelArguments arguments, CancellationToken cancellationToken)
    {
        using var scope = accessor.Push(context);
        return await registry.Kernel.InvokeAsync(function.Function, arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Renders a prompt template for prompts/get. No function runs, so no kernel filter sees it: the caller must have
    /// passed <see cref="AuthorizeAsync"/> (as <see cref="LuminaAccess.PromptGet"/>) first.
    /// </summary>
    public async Task<string> RenderAsync(ILuminaCallContext context, PromptTemplateConfig template, KernelArguments arguments, CancellationToken cancellationToken)
    {
        using var scope = accessor.Push(context);
        var prompt = new KernelPromptTemplateFactory().Create(template);
        return await prompt.RenderAsync(registry.Kernel, arguments, cancellationToken).ConfigureAwait(false);
    }
}
