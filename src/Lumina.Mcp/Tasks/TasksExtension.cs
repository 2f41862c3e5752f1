using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Lumina.Mcp.Tasks;

/// <summary>What the tasks extension (<c>io.modelcontextprotocol/tasks</c>, SEP-2663) is on the wire, and who may use it.</summary>
internal static class TasksExtension
{
    public const string Id = "io.modelcontextprotocol/tasks";

    public const string Get = "tasks/get";

    public const string Update = "tasks/update";

    public const string Cancel = "tasks/cancel";

    /// <summary>The first protocol revision the extension exists in (its requests carry their own capabilities).</summary>
    public const string Revision = "2026-07-28";

    /// <summary>Whether <paramref name="request"/> is of a revision that has tasks.</summary>
    public static bool InRevision(JsonRpcRequest request) =>
        request.Context?.ProtocolVersion is { } version && string.CompareOrdinal(version, Revision) >= 0;

    /// <summary>Whether the client declared the extension, in its capabilities or in this request's <c>_meta</c> (SEP-2575).</summary>
    public static bool Declared(JsonRpcRequest request) =>
        request.Context?.ClientCapabilities?.Extensions?.ContainsKey(Id) is true
        || (request.Params?["_meta"]?[MetaKeys.ClientCapabilities]?["extensions"] is JsonObject extensions && extensions.ContainsKey(Id));

    /// <summary>Whether the call of <paramref name="request"/> may become a task.</summary>
    public static bool Usable(JsonRpcRequest request) => InRevision(request) && Declared(request);

    /// <summary>The error of a request that needs the extension from a client that did not declare it (<c>-32021</c>).</summary>
    public static MissingRequiredClientCapabilityException Missing(string message) =>
        new(new ClientCapabilities { Extensions = new Dictionary<string, object> { [Id] = new JsonObject() } }, message);

    /// <summary>Refuses a <c>tasks/*</c> request the way the revision says: unknown before 2026-07-28, <c>-32021</c> without the extension.</summary>
    /// <exception cref="McpProtocolException">The request may not use tasks.</exception>
    public static void Demand(JsonRpcRequest request)
    {
        if (!InRevision(request))
        {
            throw new McpProtocolException($"Method '{request.Method}' is not available: tasks exist from protocol revision {Revision} on.", McpErrorCode.MethodNotFound);
        }

        if (!Declared(request))
        {
            throw Missing($"{request.Method} needs the '{Id}' extension: declare it in the request's client capabilities.");
        }
    }
}
