using System.Net.Sockets;
using System.Text.Json;
using Anthropic.Exceptions;
using OllamaSharp.Models.Exceptions;

namespace Lumina.Providers;

/// <summary>
/// Reads the failures of the Anthropic and Ollama connectors into one shape the router can act on: the HTTP status
/// (when there was one), how long the provider asked to be left alone, and the provider's own words (so "prompt is
/// too long" can send the request to a provider with a larger window).
/// </summary>
/// <remarks>
/// It reads both what the registered connectors throw (an <see cref="HttpRequestException"/> made by
/// <see cref="ConnectorChatClient"/>) and the SDKs' own exceptions, for code that uses an SDK client directly.
/// </remarks>
internal static class ConnectorErrors
{
    internal const string KindKey = "lumina.connector";
    internal const string StatusKey = "lumina.connector.status";
    internal const string RetryAfterKey = "lumina.connector.retry-after";
    internal const string BodyKey = "lumina.connector.body";
    internal const string DetailKey = "lumina.connector.detail";

    /// <summary>Reads a connector failure.</summary>
    /// <param name="ex">What the chat client threw.</param>
    /// <param name="status">The HTTP status, or <see langword="null"/> when none arrived (refused, cut, malformed, timed out).</param>
    /// <param name="retryAfter">The provider's <c>Retry-After</c>, when it sent one.</param>
    /// <param name="detail">The provider's error message, else what went wrong in plain words.</param>
    /// <returns>
    /// <see langword="true"/> for an error status, a rate limit, a malformed or incomplete body, a refused or broken
    /// connection or a transport timeout; <see langword="false"/> for anything else, including a cancellation, which
    /// only the caller can tell apart from its own deadline.
    /// </returns>
    public static bool TryRead(Exception ex, out int? status, out TimeSpan? retryAfter, out string detail)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var fromConnector = ex.Data[KindKey] is string;
        var body = ex.Data[BodyKey] as string;
        status = ex.Data[StatusKey] as int?;
        retryAfter = ex.Data[RetryAfterKey] as TimeSpan?;
        string? read;
        switch (ex)
        {
            case AnthropicApiException api:
                status = (int)api.StatusCode;
                read = api.ApiMessage ?? MessageOf(api.ResponseBody);
                break;
            case AnthropicSseException sse:
                // An error event inside a stream that had started with 200: its type says what the status would have been.
                read = sse.ApiMessage ?? sse.Message;
                status = StatusOfAnthropicType(TypeOf(sse.Body));
                break;
            case AnthropicInvalidDataException invalid:
                read = $"malformed response: {invalid.Message}";
                break;
            case AnthropicIOException io:
                read = Innermost(io);
                break;
            case AnthropicException other:
                read = other.Message;
                break;
            case ResponseError streamed:
                // An {"error": …} line inside Ollama's stream.
                read = streamed.Message;
                break;
            case OllamaException ollama:
                // OllamaSharp throws this for a 400 only, with the error text it read from the body.
                status ??= 400;
                read = ollama.Message;
                break;
            case HttpRequestException http:
                // The connector's own (see ConnectorChatClient), or OllamaSharp's for a status other than 400.
                status = http.StatusCode is { } code ? (int)code : status;
                read = ex.Data[DetailKey] as string ?? MessageOf(body) ?? Innermost(http);
                break;
            case TimeoutException or TaskCanceledException { InnerException: TimeoutException }:
                read = $"timed out: {Innermost(ex)}";
                break;
            case OperationCanceledException:
                status = null;
                retryAfter = null;
                detail = string.Empty;
                return false;
            case IOException io when fromConnector || io is HttpIOException || io.InnerException is SocketException:
                read = $"connection broke: {Innermost(io)}";
                break;
            case JsonException json when fromConnector:
                read = $"malformed response: {json.Message}";
                break;
            case InvalidOperationException incomplete when fromConnector:
                // OllamaSharp: "… did not yield an item with Done=true. The stream might be corrupted or incomplete."
                read = $"incomplete response: {incomplete.Message}";
                break;
            default:
                status = null;
                retryAfter = null;
                detail = string.Empty;
                return false;
        }

        detail = !string.IsNullOrWhiteSpace(read) ? read : MessageOf(body) ?? ex.Message;
        return true;
    }

    /// <summary>
    /// The status Anthropic gives each error type
    /// (<see href="https://docs.anthropic.com/en/api/errors"/>): a stream's error event carries the type only.
    /// </summary>
    private static int? StatusOfAnthropicType(string? type) => type switch
    {
        "invalid_request_error" => 400,
        "authentication_error" => 401,
        "billing_error" => 402,
        "permission_error" => 403,
        "not_found_error" => 404,
        "request_too_large" => 413,
        "rate_limit_error" => 429,
        "api_error" => 500,
        "timeout_error" => 504,
        "overloaded_error" => 529,
        _ => null,
    };

    /// <summary>The error message of an Anthropic (<c>error.message</c>), Ollama (<c>error</c>) or OpenAI-style body, else the body itself.</summary>
    private static string? MessageOf(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    return error.GetString();
                }

                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return message.GetString();
                }
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var plain) && plain.ValueKind == JsonValueKind.String)
            {
                return plain.GetString();
            }
        }
        catch (JsonException)
        {
            // Not JSON (an HTML error page from a proxy): the text itself is the best there is.
        }

        var text = body.Trim();
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    private static string? TypeOf(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object
        && body.TryGetProperty("error", out var error)
        && error.ValueKind == JsonValueKind.Object
        && error.TryGetProperty("type", out var type)
        && type.ValueKind == JsonValueKind.String
            ? type.GetString()
            : null;

    /// <summary>The deepest message: "Connection refused (127.0.0.1:1234)" rather than "I/O exception".</summary>
    private static string Innermost(Exception ex)
    {
        var deepest = ex;
        while (deepest.InnerException is { } inner)
        {
            deepest = inner;
        }

        return deepest == ex || string.IsNullOrWhiteSpace(deepest.Message) ? ex.Message : $"{ex.Message} ({deepest.Message})";
    }
}
