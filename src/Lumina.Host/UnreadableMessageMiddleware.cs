using System.Text.Json;

namespace Lumina.Host;

/// <summary>
/// Answers a POST the MCP SDK could not read with 400 and a JSON-RPC error, where the SDK (2.3.1) lets the exception
/// escape and the client gets an empty 500: an <c>initialize</c> whose params have the wrong types, or (for a
/// 2026-07-28 request) params that repeat a property name. Bad input is the client's error, and should say so.
/// </summary>
internal sealed partial class UnreadableMessageMiddleware(RequestDelegate next, ILogger<UnreadableMessageMiddleware> logger)
{
    private const string Answer = """{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Bad Request: the message could not be read: a field has the wrong type, or an object repeats a property name."}}""";

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnreadableMessage(ex) && !context.Response.HasStarted && HttpMethods.IsPost(context.Request.Method))
        {
            LogUnreadable(ex.Message);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(Answer, context.RequestAborted).ConfigureAwait(false);
        }
    }

    // Only failures to read the request's JSON: a JsonException, or the duplicate-key ArgumentException a JsonObject
    // throws when it first indexes an object that repeats a name. Any other exception stays a server error.
    private static bool IsUnreadableMessage(Exception ex) =>
        ex is JsonException
        || (ex is ArgumentException && ex.StackTrace?.Contains("System.Text.Json.Nodes.JsonObject", StringComparison.Ordinal) == true);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an MCP request that could not be read: {Reason}")]
    private partial void LogUnreadable(string reason);
}
