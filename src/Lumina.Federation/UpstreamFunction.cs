using System.Collections.ObjectModel;
using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using ModelContextProtocol;

namespace Lumina.Federation;

/// <summary>
/// A tool, prompt or resource of an upstream MCP server as a kernel function: a call runs through the kernel (and so
/// through every filter) and then to the server; how it is served travels with the function in its metadata.
/// </summary>
internal abstract class UpstreamFunction : ILuminaDescribedFunction
{
    protected UpstreamFunction(JsonElement descriptor, string functionName, LuminaToolAttribute tool, LuminaPermission permission)
    {
        Descriptor = descriptor;
        FunctionName = functionName;
        Tool = tool;
        Permission = permission;
    }

    /// <summary>Its kernel function's name.</summary>
    public string FunctionName { get; }

    public LuminaToolAttribute Tool { get; }

    public LuminaPermission Permission { get; }

    public virtual JsonElement? OutputSchema => null;

    public JsonElement Descriptor { get; }

    public string? Quarantined
    {
        get => Volatile.Read(ref field);
        set => Volatile.Write(ref field, value);
    }

    /// <summary>Refuses a quarantined function's call.</summary>
    /// <exception cref="LuminaRefusalException">It is quarantined (<see cref="LuminaRefusalKind.Forbidden"/>, with the reason).</exception>
    protected virtual ValueTask EnsureServedAsync(CancellationToken cancellationToken) =>
        Quarantined is { } why ? throw new LuminaRefusalException(LuminaRefusalKind.Forbidden, why) : ValueTask.CompletedTask;

    /// <summary>Its kernel function, which runs <paramref name="send"/> for the caller of the invocation, unless it is quarantined.</summary>
    protected KernelFunction CreateFunction<T>(string description, IEnumerable<KernelParameterMetadata> parameters, string returns, Func<KernelArguments, ILuminaCallContext, CancellationToken, Task<T>> send) =>
        KernelFunctionFactory.CreateFromMethod(
            async (Kernel kernel, KernelArguments arguments, CancellationToken cancellationToken) =>
            {
                await EnsureServedAsync(cancellationToken).ConfigureAwait(false);
                return await send(arguments, kernel.Services.GetService<ILuminaCallContextAccessor>()?.Current ?? LuminaCallContext.InProcess, cancellationToken).ConfigureAwait(false);
            },
            McpJsonUtilities.DefaultOptions,
            new KernelFunctionFromMethodOptions
            {
                FunctionName = FunctionName,
                Description = description,
                Parameters = [.. parameters],
                ReturnParameter = new KernelReturnParameterMetadata(McpJsonUtilities.DefaultOptions) { Description = returns },
                AdditionalMetadata = new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?> { [LuminaDescribed.Key] = this }),
            });
}
