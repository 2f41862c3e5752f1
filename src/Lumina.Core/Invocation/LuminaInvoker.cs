using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Auth;
using Lumina.Core.Plugins;
using Lumina.Core.Tools;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Invocation;

/// <summary>
/// The one way a transport runs a function for a caller: authorized first, its arguments bound, then run through
/// <see cref="Kernel.InvokeAsync(KernelFunction, KernelArguments?, CancellationToken)"/> with the caller's context
/// current, so every kernel filter (authorization, audit, policy, memory, telemetry) sees it. What happened comes back
/// as an <see cref="InvocationOutcome"/>; only the cancellation of the caller's own token is thrown.
/// </summary>
/// <remarks>
/// The caller is refused before the arguments are looked at, so a function the caller may not use answers "forbidden"
/// and nothing else; the authorizer records that refusal with its <see cref="LuminaAccess"/>, and the kernel's filter
/// checks again when the function runs.
/// </remarks>
public sealed partial class LuminaInvoker(
    LuminaPluginRegistry registry,
    ILuminaCallContextAccessor accessor,
    ILuminaAuthorizer authorizer,
    ILogger<LuminaInvoker> logger)
{
    private readonly ILogger _logger = logger;

    /// <summary>Runs <paramref name="function"/> with arguments bound from untrusted JSON (an MCP <c>tools/call</c>).</summary>
    public Task<InvocationOutcome> InvokeAsync(ILuminaCallContext call, LuminaFunction function, LuminaAccess access, IDictionary<string, JsonElement>? arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        return InvokeAsync(call, function, access, Asked(arguments), () => KernelArgumentBinder.Bind(function, arguments, FunctionNames.Served(function.Function)), cancellationToken);
    }

    /// <summary>Runs <paramref name="function"/> with <paramref name="arguments"/> as they are.</summary>
    public Task<InvocationOutcome> InvokeAsync(ILuminaCallContext call, LuminaFunction function, LuminaAccess access, KernelArguments arguments, CancellationToken cancellationToken) =>
        InvokeAsync(call, function, access, arguments, () => arguments, cancellationToken);

    /// <summary>
    /// Runs <paramref name="function"/> with the arguments <paramref name="bind"/> makes, once the caller is authorized;
    /// <paramref name="asked"/> is what the audit ledger digests if the caller is refused.
    /// </summary>
    public Task<InvocationOutcome> InvokeAsync(ILuminaCallContext call, LuminaFunction function, LuminaAccess access, KernelArguments? asked, Func<KernelArguments> bind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        return RunAsync(call, function, access, asked, bind, arguments => registry.Kernel.InvokeAsync(function.Function, arguments, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="plugin"/>.<paramref name="function"/> (the HTTP API); a function this host does not serve is
    /// refused as <see cref="LuminaRefusalKind.NotFound"/>.
    /// </summary>
    public Task<InvocationOutcome> InvokeAsync(ILuminaCallContext call, string plugin, string function, KernelArguments arguments, CancellationToken cancellationToken)
    {
        if (registry.Find(plugin, function) is not { } found)
        {
            return Task.FromResult<InvocationOutcome>(new InvocationRefused(
                McpNames.For(plugin, function), LuminaRefusalKind.NotFound, $"{plugin}.{function} is not served by this host (is the plugin disabled?).", retryAfter: null));
        }

        return InvokeAsync(call, found, LuminaAccess.Invoke, arguments, cancellationToken);
    }

    /// <summary>
    /// Renders <paramref name="function"/>'s prompt template for <c>prompts/get</c>. No function runs, so no kernel filter
    /// sees it: authorization (as <see cref="LuminaAccess.PromptGet"/>) is all that applies. The result is the text.
    /// </summary>
    public Task<InvocationOutcome> RenderAsync(ILuminaCallContext call, LuminaFunction function, KernelArguments? asked, Func<KernelArguments> bind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var template = function.Template ?? throw new ArgumentException($"{function} has no prompt template to render.", nameof(function));
        return RunAsync(call, function, LuminaAccess.PromptGet, asked, bind, async arguments =>
        {
            var text = await new KernelPromptTemplateFactory().Create(template).RenderAsync(registry.Kernel, arguments, cancellationToken).ConfigureAwait(false);
            return new FunctionResult(function.Function, text);
        }, cancellationToken);
    }

    /// <summary>The arguments of a request as the audit ledger digests them, before they are bound to parameters.</summary>
    internal static KernelArguments? Asked(IDictionary<string, JsonElement>? arguments)
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

    private async Task<InvocationOutcome> RunAsync(
        ILuminaCallContext call,
        LuminaFunction function,
        LuminaAccess access,
        KernelArguments? asked,
        Func<KernelArguments> bind,
        Func<KernelArguments, Task<FunctionResult>> run,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(bind);
        var name = FunctionNames.Served(function.Function);
        try
        {
            using var scope = accessor.Push(call);
            await authorizer.DemandAsync(call.Caller, function.Function, access, asked, cancellationToken).ConfigureAwait(false);
            var arguments = bind();
            return new InvocationSucceeded(name, await run(arguments).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return Outcome(name, ex);
        }
    }

    /// <summary>The outcome of a call that threw <paramref name="exception"/>: a refusal by its kind, or a failure logged with a reference.</summary>
    private InvocationOutcome Outcome(string name, Exception exception)
    {
        if (exception is LuminaInputRequiredException input)
        {
            return new InvocationInputRequired(name, input.Requests, input.RequestState);
        }

        if (Refusals.KindOf(exception) is { } kind)
        {
            LogRefused(name, kind, exception.Message);
            return new InvocationRefused(name, kind, exception.Message, (exception as LuminaRefusalException)?.RetryAfter, (exception as LuminaClientCapabilityException)?.Capability);
        }

        var reference = Guid.NewGuid().ToString("N")[..12];
        LogFailed(exception, name, reference);
        return new InvocationFailed(name, reference);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Function} refused the call ({Kind}): {Reason}")]
    private partial void LogRefused(string function, LuminaRefusalKind kind, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function} failed (reference {Reference}).")]
    private partial void LogFailed(Exception exception, string function, string reference);
}
