using System.Collections.ObjectModel;
using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Lumina.Federation;

/// <summary>
/// A tool of an upstream MCP server as a kernel function: a call runs through the kernel (and so through every filter)
/// and goes to the server with the arguments as the client sent them; the server's answer comes back unchanged. How it
/// is served (the server's descriptor, its hints, the permission it needs) travels with the function in its metadata.
/// </summary>
internal sealed class UpstreamTool : ILuminaDescribedFunction
{
    private UpstreamTool(UpstreamServer server, Tool tool, LuminaPermission permission)
    {
        UpstreamName = tool.Name;
        Permission = permission;
        Descriptor = JsonSerializer.SerializeToElement(tool, McpJsonUtilities.DefaultOptions);
        OutputSchema = tool.OutputSchema;
        var hints = tool.Annotations;
        Tool = new LuminaToolAttribute
        {
            Name = UpstreamNames.Served(server.Name, tool.Name),
            Title = tool.Title ?? hints?.Title,
            ReadOnly = hints?.ReadOnlyHint ?? false,
            // MCP's defaults: a tool that says nothing may be destructive and reaches the open world.
            Destructive = hints?.ReadOnlyHint != true && (hints?.DestructiveHint ?? true),
            Idempotent = hints?.IdempotentHint ?? false,
            OpenWorld = hints?.OpenWorldHint ?? true,
            InputSchema = tool.InputSchema.GetRawText(),
        };
        FunctionName = UpstreamNames.Function(tool.Name);
        Canonical = ToolDescriptors.Canonical(tool);
        Hash = ToolDescriptors.Hash(Canonical);
    }

    /// <summary>The tool's name on its server.</summary>
    public string UpstreamName { get; }

    /// <summary>Its kernel function's name.</summary>
    public string FunctionName { get; }

    public LuminaToolAttribute Tool { get; }

    public LuminaPermission Permission { get; }

    public JsonElement? OutputSchema { get; }

    public JsonElement Descriptor { get; }

    public string? Quarantined
    {
        get => Volatile.Read(ref field);
        set => Volatile.Write(ref field, value);
    }

    /// <summary>What of it is pinned, as canonical JSON.</summary>
    public string Canonical { get; }

    /// <summary>The hash of <see cref="Canonical"/>.</summary>
    public string Hash { get; }

    /// <summary>The kernel function of <paramref name="tool"/>, and its description.</summary>
    public static (KernelFunction Function, UpstreamTool Described) Create(UpstreamServer server, Tool tool, LuminaPermission permission)
    {
        var described = new UpstreamTool(server, tool, permission);
        var name = tool.Name;
        var function = KernelFunctionFactory.CreateFromMethod(
            async (Kernel kernel, KernelArguments arguments, CancellationToken cancellationToken) =>
            {
                if (described.Quarantined is { } why && !await server.ApprovedSinceAsync(described, cancellationToken).ConfigureAwait(false))
                {
                    throw new LuminaRefusalException(LuminaRefusalKind.Forbidden, why);
                }

                return await server.CallAsync(
                    name,
                    Arguments(arguments),
                    kernel.Services.GetService<ILuminaCallContextAccessor>()?.Current ?? LuminaCallContext.InProcess,
                    cancellationToken).ConfigureAwait(false);
            },
            McpJsonUtilities.DefaultOptions,
            new KernelFunctionFromMethodOptions
            {
                FunctionName = described.FunctionName,
                Description = tool.Description ?? tool.Title ?? tool.Name,
                Parameters = Parameters(tool),
                ReturnParameter = new KernelReturnParameterMetadata(McpJsonUtilities.DefaultOptions) { Description = "The server's answer, as it sent it." },
                AdditionalMetadata = new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?> { [LuminaDescribed.Key] = described }),
            });
        return (function, described);
    }

    /// <summary>The arguments as JSON: as the client sent them, or as a model's function call made them.</summary>
    private static Dictionary<string, object?> Arguments(KernelArguments arguments) =>
        arguments.Where(a => a.Value is not null).ToDictionary(
            a => a.Key,
            a => (object?)(a.Value is JsonElement element ? element : JsonSerializer.SerializeToElement(a.Value, a.Value!.GetType(), McpJsonUtilities.DefaultOptions)),
            StringComparer.Ordinal);

    /// <summary>One parameter per property of the input schema, with its schema, so a model calling the kernel sees them too.</summary>
    private static List<KernelParameterMetadata> Parameters(Tool tool)
    {
        var parameters = new List<KernelParameterMetadata>();
        var schema = tool.InputSchema;
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return parameters;
        }

        var required = schema.TryGetProperty("required", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var property in properties.EnumerateObject())
        {
            parameters.Add(new KernelParameterMetadata(property.Name, McpJsonUtilities.DefaultOptions)
            {
                Description = property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String
                    ? description.GetString()
                    : null,
                IsRequired = required.Contains(property.Name),
                Schema = KernelJsonSchema.Parse(property.Value.GetRawText()),
            });
        }

        return parameters;
    }
}
