using System.ClientModel;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Lumina.Providers;

/// <summary>A classified provider failure.</summary>
/// <param name="Kind">The error class.</param>
/// <param name="Status">The HTTP status, when there was one.</param>
/// <param name="RetryAfter">How long the provider asked to be left alone (429/503 Retry-After).</param>
/// <param name="Detail">The provider's own message, for logs and the final error: a short excerpt, credentials removed (see <see cref="Classify"/>).</param>
public sealed record ProviderFailure(ProviderErrorKind Kind, int? Status, TimeSpan? RetryAfter, string Detail)
{
    /// <summary>Whether the failure says something about the provider's health (it counts towards its circuit breaker).</summary>
    public bool CountsAgainstProvider => IsTransient(Kind);

    /// <summary>
    /// Whether a failure of this class may pass if the same request is sent again (5xx, timeouts, unreadable bodies,
    /// refused connections): the only classes retried in place. A rate limit waits for its Retry-After instead.
    /// </summary>
    public static bool IsTransient(ProviderErrorKind kind) =>
        kind is ProviderErrorKind.ServerError or ProviderErrorKind.Timeout or ProviderErrorKind.Unreachable or ProviderErrorKind.BadResponse;

    /// <summary>A short description for the error a caller sees.</summary>
    public string Describe() => Kind switch
    {
        ProviderErrorKind.RateLimited => RetryAfter is { } wait ? $"HTTP 429 rate limited (retry after {wait.TotalSeconds:0.#} s)" : "HTTP 429 rate limited",
        ProviderErrorKind.ServerError => $"HTTP {Status} server error",
        ProviderErrorKind.Timeout => "timed out",
        ProviderErrorKind.Unreachable => $"unreachable ({Detail})",
        ProviderErrorKind.BadResponse => $"unreadable answer ({Detail})",
        ProviderErrorKind.ContextWindowExceeded => "the request exceeds its context window",
        _ => Status is { } status ? $"HTTP {status} ({Detail})" : Detail,
    };

    /// <summary>
    /// Classifies an exception thrown by a provider's chat client, or returns <see langword="null"/> when it is not a
    /// provider failure (a bug, or the caller's own cancellation) and must not be routed around.
    /// </summary>
    /// <param name="exception">What the client threw.</param>
    /// <param name="timedOut">Whether the router's own timeout for this attempt had fired.</param>
    /// <param name="secret">The provider's configured API key, removed from the detail wherever it appears.</param>
    /// <remarks>
    /// The detail is never the provider's raw body: it is a short excerpt with anything that looks like a key or a
    /// token removed (some providers echo the key they were sent), since it reaches callers, logs and the providers
    /// report.
    /// </remarks>
    public static ProviderFailure? Classify(Exception exception, bool timedOut, string? secret = null) =>
        ClassifyRaw(exception, timedOut) is { } failure ? failure with { Detail = ProviderErrorText.Redact(failure.Detail, secret) } : null;

    private static ProviderFailure? ClassifyRaw(Exception exception, bool timedOut)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (timedOut && exception is OperationCanceledException or TimeoutException or TaskCanceledException)
        {
            return new(ProviderErrorKind.Timeout, null, null, "timed out");
        }

        switch (exception)
        {
            case HttpRequestException connector when connector.Data.Contains(ConnectorErrors.KindKey) && ConnectorErrors.TryRead(connector, out var status, out var wait, out var detail):
                // The Anthropic and Ollama connectors keep what their SDKs drop: Retry-After and the provider's words.
                return status is { } connectorStatus ? FromStatus(connectorStatus, wait, detail)
                    : connector.HttpRequestError is HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded ? new(ProviderErrorKind.BadResponse, null, null, detail)
                    : new(ProviderErrorKind.Unreachable, null, null, detail);
            case ClientResultException result when result.Status > 0:
                {
                    var response = result.GetRawResponse();
                    var body = SafeBody(response);
                    var retryAfter = response is null ? null : RetryAfterFrom(
                        response.Headers.TryGetValue("retry-after-ms", out var ms) ? ms : null,
                        response.Headers.TryGetValue("retry-after", out var after) ? after : null);
                    return FromStatus(result.Status, retryAfter, string.IsNullOrEmpty(body) ? result.Message : body);
                }

            case ClientResultException { InnerException: { } inner }:
                return ClassifyRaw(inner, timedOut) ?? new(ProviderErrorKind.Unreachable, null, null, inner.Message);
            case HttpRequestException { StatusCode: { } code } http:
                return FromStatus((int)code, null, http.Message);
            case HttpRequestException http:
                return new(ProviderErrorKind.Unreachable, null, null, FirstSentence(http.InnerException is SocketException refused ? refused.Message : http.Message));
            case SocketException socket:
                return new(ProviderErrorKind.Unreachable, null, null, socket.Message);
            case IOException io:
                return new(ProviderErrorKind.Unreachable, null, null, FirstSentence(io.Message));
            case TimeoutException:
                return new(ProviderErrorKind.Timeout, null, null, "timed out");
            case JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentOutOfRangeException:
                return new(ProviderErrorKind.BadResponse, null, null, FirstSentence(exception.Message));
        }

        return null;
    }

    internal static ProviderFailure FromStatus(int status, TimeSpan? retryAfter, string detail) => status switch
    {
        429 => new(ProviderErrorKind.RateLimited, status, retryAfter, detail),
        408 => new(ProviderErrorKind.Timeout, status, retryAfter, detail),
        >= 500 => new(ProviderErrorKind.ServerError, status, retryAfter, detail),
        400 or 413 or 422 when IsContextWindowMessage(detail) => new(ProviderErrorKind.ContextWindowExceeded, status, null, detail),
        _ => new(ProviderErrorKind.Rejected, status, null, FirstSentence(detail)),
    };

    /// <summary>Providers word it differently; these are the phrases OpenAI, Anthropic, Gemini, Ollama and vLLM use.</summary>
    internal static bool IsContextWindowMessage(string text) =>
        text.Contains("context_length_exceeded", StringComparison.OrdinalIgnoreCase)
        || text.Contains("maximum context length", StringComparison.OrdinalIgnoreCase)
        || text.Contains("context window", StringComparison.OrdinalIgnoreCase)
        || text.Contains("prompt is too long", StringComparison.OrdinalIgnoreCase)
        || text.Contains("input is too long", StringComparison.OrdinalIgnoreCase)
        || text.Contains("too many tokens", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads <c>retry-after-ms</c>, or <c>Retry-After</c> as seconds or an HTTP date.</summary>
    internal static TimeSpan? RetryAfterFrom(string? milliseconds, string? header, DateTimeOffset? now = null)
    {
        if (double.TryParse(milliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        if (double.TryParse(header, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (RetryConditionHeaderValue.TryParse(header, out var value) && value.Date is { } date)
        {
            var wait = date - (now ?? DateTimeOffset.UtcNow);
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static string SafeBody(System.ClientModel.Primitives.PipelineResponse? response)
    {
        try
        {
            return response?.Content?.ToString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            return string.Empty;
        }
    }

    private static string FirstSentence(string message)
    {
        var text = message.Length > 300 ? message[..300] : message;
        var end = text.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? text[..end] : text.TrimEnd('.');
    }
}
