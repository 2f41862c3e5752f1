using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Lumina.Core.Tools;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using FunctionCallContent = Microsoft.Extensions.AI.FunctionCallContent;
using FunctionResultContent = Microsoft.Extensions.AI.FunctionResultContent;

namespace Lumina.Providers.Orchestration;

/// <summary>
/// The kernel's functions as tools a model can call: declared to the model under their MCP names and schemas, and run
/// with <see cref="Kernel.InvokeAsync(KernelFunction, KernelArguments?, CancellationToken)"/>, so every kernel filter
/// (authorization, audit, policy, memory, telemetry) sees a model's tool call exactly as it sees a client's.
/// </summary>
/// <remarks>
/// The tools are declarations, not invocable <see cref="AIFunction"/>s: a chat client with automatic function
/// invocation further down cannot run them behind the filters' back; the calls come back here.
/// </remarks>
internal sealed class KernelToolbox
{
    private readonly Kernel _kernel;
    private readonly Dictionary<string, LuminaFunction> _functions = new(StringComparer.Ordinal);

    public KernelToolbox(Kernel kernel, LuminaPluginRegistry registry, Func<LuminaFunction, bool> include)
    {
        _kernel = kernel;
        var tools = new List<AITool>();
        foreach (var plugin in kernel.Plugins)
        {
            foreach (var function in plugin)
            {
                var lumina = registry.Find(plugin.Name, function.Name) ?? new LuminaFunction(plugin.Name, function, template: null);
                if (lumina.Kind is not (LuminaFunctionKind.Tool or LuminaFunctionKind.PromptTemplate) || !include(lumina))
                {
                    continue;
                }

                var name = lumina.ToolName;
                if (_functions.TryAdd(name, lumina))
                {
                    tools.Add(AIFunctionFactory.CreateDeclaration(name, lumina.Description, KernelSchemas.Input(lumina)));
                }
            }
        }

        Tools = tools;
    }

    /// <summary>The declarations to give the model.</summary>
    public IReadOnlyList<AITool> Tools { get; }

    /// <summary>
    /// Runs one call the model asked for. A refusal (unknown tool, bad arguments, forbidden, a failing tool) becomes
    /// the result the model reads, so it can correct itself; only cancellation ends the loop.
    /// </summary>
    public async Task<(FunctionResultContent Result, bool Failed)> InvokeAsync(FunctionCallContent call, CancellationToken cancellationToken)
    {
        if (!_functions.TryGetValue(call.Name, out var function))
        {
            return (new FunctionResultContent(call.CallId, $"Error: there is no tool named '{call.Name}'."), true);
        }

        try
        {
            var arguments = KernelArgumentBinder.Bind(function, ToJson(call.Arguments), call.Name);
            var result = await _kernel.InvokeAsync(function.Function, arguments, cancellationToken).ConfigureAwait(false);
            return (new FunctionResultContent(call.CallId, ToText(result.GetValue<object>())), false);
        }
        catch (LuminaException ex)
        {
            return (new FunctionResultContent(call.CallId, $"Error: {ex.Message}"), true);
        }
        catch (KernelException ex)
        {
            return (new FunctionResultContent(call.CallId, $"Error: {ex.Message}"), true);
        }
    }

    private static Dictionary<string, JsonElement>? ToJson(IDictionary<string, object?>? arguments) =>
        arguments?.ToDictionary(
            p => p.Key,
            p => p.Value is JsonElement element ? element : JsonSerializer.SerializeToElement(p.Value, LuminaJson.Options),
            StringComparer.Ordinal);

    /// <summary>What the model reads of a result: text as it is, rich results by their text, anything else as JSON.</summary>
    internal static string ToText(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        LuminaResult result => string.Join('\n', result.Items.Select(ToText)) is { Length: > 0 } text ? text : JsonSerializer.Serialize(result.Structured, LuminaJson.Options),
        LuminaText text => text.Value,
        LuminaEmbeddedResource resource => resource.Text ?? $"[{resource.MimeType} resource {resource.Uri}]",
        LuminaResourceLink link => $"[{link.Name}]({link.Uri})",
        LuminaImage image => $"[image {image.MimeType}, {image.Data.Length} bytes]",
        LuminaAudio audio => $"[audio {audio.MimeType}, {audio.Data.Length} bytes]",
        _ => JsonSerializer.Serialize(value, LuminaJson.Options),
    };
}
