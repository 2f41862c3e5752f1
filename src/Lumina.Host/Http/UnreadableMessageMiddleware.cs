using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Lumina.Core.Tools;
using Microsoft.Net.Http.Headers;

namespace Lumina.Host.Http;

/// <summary>
/// Answers a POST to the MCP endpoint that the MCP SDK could not read with a 4xx and a JSON-RPC error, where the SDK
/// (2.3.1) lets the exception escape and the client gets an empty 500: a body that is not declared as UTF-8 JSON (no,
/// an empty or an unparseable <c>Content-Type</c>, another media type, another charset); a string that is not text (an
/// escaped UTF-16 surrogate without its pair, which no reader can decode); an <c>initialize</c> whose params have the
/// wrong types, or (for a 2026-07-28 request) params that repeat a property name. Bad input is the client's error, and
/// should say so.
/// </summary>
internal sealed partial class UnreadableMessageMiddleware(RequestDelegate next, PathString endpoint, ILogger<UnreadableMessageMiddleware> logger)
{
    private const string Answer = """{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Bad Request: the message could not be read: a field has the wrong type, or an object repeats a property name."}}""";

    private const string MediaTypeAnswer = """{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Unsupported Media Type: POST one JSON-RPC message as 'Content-Type: application/json' (no charset, or charset=utf-8)."}}""";

    public async Task InvokeAsync(HttpContext context)
    {
        var post = HttpMethods.IsPost(context.Request.Method);
        if (post && context.Request.Path.StartsWithSegments(endpoint))
        {
            if (!IsUtf8Json(context.Request.ContentType))
            {
                LogMediaType(context.Request.ContentType ?? "(none)");
                await WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, MediaTypeAnswer).ConfigureAwait(false);
                return;
            }

            if (await RefuseTextAsync(context).ConfigureAwait(false) is { } refusal)
            {
                LogUnreadable(refusal.Reason);
                await WriteAsync(context, StatusCodes.Status400BadRequest, refusal.Answer).ConfigureAwait(false);
                return;
            }
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnreadableMessage(ex) && !context.Response.HasStarted && post)
        {
            LogUnreadable(ex.Message);
            await WriteAsync(context, StatusCodes.Status400BadRequest, Answer).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>application/json</c>, with no charset or UTF-8's: what MCP's streamable HTTP transport posts, and all the SDK
    /// reads (it takes the body as UTF-8 whatever the header says).
    /// </summary>
    internal static bool IsUtf8Json(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type)
            || !type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Spelled exactly utf-8 (any case): the SDK answers "utf8" and a quoted "utf-8" with a 500.
        var charset = type.Charset;
        return !charset.HasValue || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Looks at the whole body before the SDK reads it (nothing is consumed: the SDK reads the same bytes) and, when a
    /// string in it is not text, the answer to send instead. The scan for escapes is one vectorized search for a
    /// backslash; only a body with a suspect escape is parsed.
    /// </summary>
    private static async Task<(string Answer, string Reason)?> RefuseTextAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        ReadResult read;
        while (true)
        {
            // Past Kestrel's MaxRequestBodySize this throws, and the client gets 413 as before.
            read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            if (read.IsCompleted || read.IsCanceled)
            {
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        var body = read.Buffer;
        try
        {
            if (!JsonText.HasUnpairedSurrogate(body))
            {
                return null;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException)
            {
                return null; // Not JSON: the SDK answers that as it always has.
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object || JsonText.Refuse(document.RootElement) is not { } refusal)
                {
                    return null;
                }

                var answer = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(answer))
                {
                    writer.WriteStartObject();
                    writer.WriteString("jsonrpc", "2.0");
                    writer.WritePropertyName("id");
                    if (refusal.Id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                    {
                        refusal.Id.WriteTo(writer);
                    }
                    else
                    {
                        writer.WriteNullValue();
                    }

                    writer.WriteStartObject("error");
                    writer.WriteNumber("code", refusal.Code);
                    writer.WriteString("message", refusal.Message);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                return (Encoding.UTF8.GetString(answer.WrittenSpan), refusal.Message);
            }
        }
        finally
        {
            // Nothing consumed: the SDK's read returns the same body.
            reader.AdvanceTo(body.Start);
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, string answer)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(answer, context.RequestAborted).ConfigureAwait(false);
    }

    // Only failures to read the request's JSON: a JsonException, or the duplicate-key ArgumentException a JsonObject
    // throws when it first indexes an object that repeats a name. Any other exception stays a server error.
    private static bool IsUnreadableMessage(Exception ex) =>
        ex is JsonException
        || (ex is ArgumentException && ex.StackTrace?.Contains("System.Text.Json.Nodes.JsonObject", StringComparison.Ordinal) == true);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an MCP request that could not be read: {Reason}")]
    private partial void LogUnreadable(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an MCP request whose Content-Type is not UTF-8 JSON: {ContentType}")]
    private partial void LogMediaType(string contentType);
}
