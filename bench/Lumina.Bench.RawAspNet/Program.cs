using System.Text.Json.Nodes;

// The HTTP floor: what Kestrel, one JSON parse and one JSON write cost, with no MCP SDK and no sessions. It answers
// just enough of MCP (initialize, the initialized notification, tools/call of echo, DELETE) for the benchmark's
// driver to treat it like the real servers and check every reply.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var sessionId = Guid.NewGuid().ToString("N");

app.MapPost("/mcp", async (HttpContext context) =>
{
    var request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
    var method = request?["method"]?.GetValue<string>();
    var tool = request?["params"]?["name"]?.GetValue<string>();
    var id = request?["id"]?.DeepClone();
    if (id is null)
    {
        // A notification (notifications/initialized): accepted, no body.
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    JsonObject result;
    switch (method)
    {
        case "initialize":
            context.Response.Headers["Mcp-Session-Id"] = sessionId;
            result = new JsonObject
            {
                ["protocolVersion"] = request?["params"]?["protocolVersion"]?.GetValue<string>() ?? "2025-11-25",
                ["capabilities"] = new JsonObject { ["tools"] = new JsonObject() },
                ["serverInfo"] = new JsonObject { ["name"] = "raw-aspnet", ["version"] = "1.0.0" },
            };
            break;
        case "tools/call" when tool == "echo":
            var message = request?["params"]?["arguments"]?["message"]?.GetValue<string>() ?? "";
            result = new JsonObject
            {
                ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "Echo: " + message }),
            };
            break;
        default:
            return Results.Json(new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["id"] = id,
                ["error"] = new JsonObject { ["code"] = -32601, ["message"] = $"method not served here: {method}" },
            });
    }

    return Results.Json(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = result });
});
app.MapDelete("/mcp", () => Results.Ok());
await app.RunAsync();
