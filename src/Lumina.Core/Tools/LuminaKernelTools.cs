using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Auth;
using Lumina.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tools;

/// <summary>
/// <see cref="ILuminaTools"/> over the kernel: the tools are the kernel's tool and prompt-template functions under their
/// MCP names (as <c>tools/list</c> shows them), and a call runs through
/// <see cref="Kernel.InvokeAsync(KernelFunction, KernelArguments?, CancellationToken)"/>, so every kernel filter sees it
/// as a call of the current caller.
/// </summary>
/// <remarks>
/// <para>
/// A list leaves out what the caller may not use; a call does not: it looks the tool up among all of them and lets the
/// authorization filter refuse it, so the refusal is recorded in the audit ledger like any other.
/// </para>
/// <para>
/// The kernel is resolved from the container on each list and call, not in the constructor: plugins take this object
/// in their constructors while the registry is still creating them, and resolving the kernel then would ask the
/// registry for its plugins. A kernel is cheap to make (the plugin list is an immutable snapshot, the filters are
/// singletons), and a fresh one always has the plugins served now.
/// </para>
/// </remarks>
internal sealed partial class LuminaKernelTools(
    IServiceProvider services,
    LuminaPluginRegistry registry,
    ILuminaAuthorizer authorizer,
    ILuminaCallContextAccessor context,
    ILogger<LuminaKernelTools> logger) : ILuminaTools
{
    private readonly ILogger _logger = logger;

    public IReadOnlyList<LuminaToolInfo> List(IEnumerable<string>? excludedPlugins = null)
    {
        var caller = context.Current.Caller;
        var tools = new List<LuminaToolInfo>();
        foreach (var function in Functions(services.GetRequiredService<Kernel>(), excludedPlugins).Values)
        {
            if (authorizer.IsAllowed(caller, function.Function))
            {
                tools.Add(new LuminaToolInfo(function.ToolName, function.Description, KernelSchemas.Input(function), function.Tool?.Title));
            }
        }

        return tools;
    }

    public async Task<JsonElement> CallAsync(string name, JsonElement arguments, IEnumerable<string>? excludedPlugins = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var kernel = services.GetRequiredService<Kernel>();
        if (!Functions(kernel, excludedPlugins: null).TryGetValue(name, out var function))
        {
            throw new LuminaRefusalException(LuminaRefusalKind.NotFound, $"There is no tool named '{name}' for this caller.");
        }

        if (IsExcluded(function, excludedPlugins))
        {
            throw new LuminaRefusalException(LuminaRefusalKind.Forbidden, $"The tool '{name}' is not callable from here.");
        }

        // A caller who may not use the tool is refused by the authorization filter, which records the refusal; its
        // arguments go to the filter as they came (for the ledger's digest), not bound: a refusal names nothing else.
        var asked = ToDictionary(name, arguments);
        var bound = authorizer.IsAllowed(context.Current.Caller, function.Function) ? KernelArgumentBinder.Bind(function, asked, name) : Unbound(asked);
        try
        {
            var result = await kernel.InvokeAsync(function.Function, bound, cancellationToken).ConfigureAwait(false);
            return ToJson(result.GetValue<object>());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (LuminaException)
        {
            throw;
        }
        catch (Exception ex)
        {
            // As the invoker answers an MCP client: what went wrong stays in the log, the caller gets a reference.
            var reference = Guid.NewGuid().ToString("N")[..12];
            LogFailed(ex, name, reference);
            throw new LuminaException($"The tool '{name}' failed (reference {reference}).");
        }
    }

    /// <summary>The tool and prompt-template functions of <paramref name="kernel"/> by tool name, without the excluded plugins'.</summary>
    private Dictionary<string, LuminaFunction> Functions(Kernel kernel, IEnumerable<string>? excludedPlugins)
    {
        var excluded = excludedPlugins?.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var functions = new Dictionary<string, LuminaFunction>(StringComparer.Ordinal);
        foreach (var plugin in kernel.Plugins)
        {
            if (excluded?.Contains(plugin.Name) == true)
            {
                continue;
            }

            foreach (var function in plugin)
            {
                var lumina = registry.Find(plugin.Name, function.Name) ?? new LuminaFunction(plugin.Name, function, template: null);
                if (lumina.Kind is LuminaFunctionKind.Tool or LuminaFunctionKind.PromptTemplate)
                {
                    functions.TryAdd(lumina.ToolName, lumina);
                }
            }
        }

        return functions;
    }

    private static bool IsExcluded(LuminaFunction function, IEnumerable<string>? excludedPlugins) =>
        excludedPlugins?.Contains(function.PluginName, StringComparer.OrdinalIgnoreCase) == true;

    private static Dictionary<string, JsonElement>? ToDictionary(string name, JsonElement arguments) => arguments.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        JsonValueKind.Object => arguments.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal),
        _ => throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"The arguments of '{name}' must be a JSON object."),
    };

    private static KernelArguments Unbound(Dictionary<string, JsonElement>? arguments)
    {
        var result = new KernelArguments();
        foreach (var (name, value) in arguments ?? [])
        {
            result[name] = value;
        }

        return result;
    }

    /// <summary>A result as JSON: text as a string, a rich result by its structured content or else its text, anything else serialized.</summary>
    internal static JsonElement ToJson(object? value) => value switch
    {
        null => JsonSerializer.SerializeToElement<object?>(null, LuminaJson.Options),
        JsonElement element => element,
        string text => JsonSerializer.SerializeToElement(text, LuminaJson.Options),
        LuminaText text => JsonSerializer.SerializeToElement(text.Value, LuminaJson.Options),
        LuminaResult { Structured: { } structured } => ToJson(structured),
        LuminaResult result => JsonSerializer.SerializeToElement(string.Join('\n', result.Items.Select(Text)), LuminaJson.Options),
        _ => JsonSerializer.SerializeToElement(value, value.GetType(), LuminaJson.Options),
    };

    private static string Text(LuminaContent content) => content switch
    {
        LuminaText text => text.Value,
        LuminaEmbeddedResource resource => resource.Text ?? $"[{resource.MimeType} resource {resource.Uri}]",
        LuminaResourceLink link => $"[{link.Name}]({link.Uri})",
        LuminaImage image => $"[image {image.MimeType}, {image.Data.Length} bytes]",
        LuminaAudio audio => $"[audio {audio.MimeType}, {audio.Data.Length} bytes]",
        _ => JsonSerializer.Serialize(content, content.GetType(), LuminaJson.Options),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "The tool {Tool}, called by a plugin for its caller, failed (reference {Reference}).")]
    private partial void LogFailed(Exception exception, string tool, string reference);
}
