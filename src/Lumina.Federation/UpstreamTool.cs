using System.Text.Json;
using Lumina.Abstractions;
using Microsoft.SemanticKernel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Lumina.Federation;

/// <summary>
/// A tool of an upstream MCP server, served as <c>&lt;server&gt;_&lt;tool&gt;</c> exactly as its server describes it: a
/// call goes to the server with the arguments as the client sent them, and the server's answer comes back unchanged.
/// Its hints and the permission it needs travel with it; so do its pin (hash of its descriptor) and its quarantine.
/// </summary>
internal sealed class UpstreamTool : UpstreamFunction
{
    private readonly UpstreamServer _server;

    private UpstreamTool(UpstreamServer server, Tool tool, LuminaPermission permission, bool tasks)
        : base(JsonSerializer.SerializeToElement(tool, McpJsonUtilities.DefaultOptions), UpstreamNames.Function(tool.Name), Hints(server, tool, tasks), permission)
    {
        _server = server;
        UpstreamName = tool.Name;
        OutputSchema = tool.OutputSchema;
        Canonical = ToolDescriptors.Canonical(tool);
        Hash = ToolDescriptors.Hash(Canonical);
    }

    /// <summary>The tool's name on its server.</summary>
    public string UpstreamName { get; }

    public override JsonElement? OutputSchema { get; }

    /// <summary>What of it is pinned, as canonical JSON.</summary>
    public string Canonical { get; }

    /// <summary>The hash of <see cref="Canonical"/>.</summary>
    public string Hash { get; }

    /// <summary>The kernel function of <paramref name="tool"/>, and its description.</summary>
    /// <param name="tasks">Whether the server may answer a call with a task: then the call becomes a task of Lumina's when it does (and the caller can take one).</param>
    public static (KernelFunction Function, UpstreamTool Described) Create(UpstreamServer server, Tool tool, LuminaPermission permission, bool tasks = false)
    {
        var described = new UpstreamTool(server, tool, permission, tasks);
        var function = described.CreateFunction(
            tool.Description ?? tool.Title ?? tool.Name,
            Parameters(tool),
            "The server's answer, as it sent it.",
            (arguments, context, cancellationToken) => server.CallAsync(described.UpstreamName, Arguments(arguments), context, cancellationToken));
        return (function, described);
    }

    /// <summary>A quarantined tool is refused, unless an admin approved it since (another host may have).</summary>
    protected override async ValueTask EnsureServedAsync(CancellationToken cancellationToken)
    {
        if (Quarantined is { } why && !await _server.ApprovedSinceAsync(this, cancellationToken).ConfigureAwait(false))
        {
            throw new LuminaRefusalException(LuminaRefusalKind.Forbidden, why);
        }
    }

    private static LuminaToolAttribute Hints(UpstreamServer server, Tool tool, bool tasks)
    {
        var hints = tool.Annotations;
        return new LuminaToolAttribute
        {
            Name = server.ServedName(tool.Name),
            Title = tool.Title ?? hints?.Title,
            ReadOnly = hints?.ReadOnlyHint ?? false,
            // MCP's defaults: a tool that says nothing may be destructive and reaches the open world.
            Destructive = hints?.ReadOnlyHint != true && (hints?.DestructiveHint ?? true),
            Idempotent = hints?.IdempotentHint ?? false,
            OpenWorld = hints?.OpenWorldHint ?? true,
            InputSchema = tool.InputSchema.GetRawText(),
            TaskSupport = tasks ? LuminaTaskSupport.Optional : LuminaTaskSupport.None,
            TaskStartsInCall = tasks,
        };
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
