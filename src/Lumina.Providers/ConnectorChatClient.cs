using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Lumina.Providers;

/// <summary>
/// An SDK's chat client, with what its exceptions leave out put back on them. Neither the Anthropic SDK nor
/// OllamaSharp keeps the <c>Retry-After</c> header of a failed response, and OllamaSharp drops the provider's error
/// text for every status but 400; the router needs both (to wait as asked, and to tell a full context window from a
/// broken server). A handler under the SDK notes them for the call in flight.
/// </summary>
/// <remarks>
/// A provider failure leaves this client as an <see cref="HttpRequestException"/> whose status is the provider's,
/// whose message names the kind and carries the provider's own words, and whose inner exception is the SDK's (the
/// notes ride in <see cref="Exception.Data"/>, where <see cref="ConnectorErrors"/> reads them): every connector then
/// fails the way an HTTP client does, which the router already understands. Timeouts and cancellations pass
/// unchanged, because only the caller knows whose deadline it was. A stream that closes before the provider said it
/// was done fails the same way, rather than passing half an answer off as a whole one.
/// </remarks>
internal sealed class ConnectorChatClient : DelegatingChatClient
{
    /// <summary>The longest error body kept: enough for any provider's message, not a page of HTML.</summary>
    private const int MaxBody = 4096;

    // The call in flight: set here, filled in by the handler further down the same async flow. A box rather than a
    // value, because what the handler sets on an AsyncLocal would not flow back up to this client.
    private static readonly AsyncLocal<Failure?> s_current = new();

    private readonly IDisposable _owned;

    /// <param name="inner">The SDK's chat client.</param>
    /// <param name="kind">The provider kind, recorded on every exception that passes.</param>
    /// <param name="owned">What the SDK client does not dispose itself (its HTTP client, its API client).</param>
    public ConnectorChatClient(IChatClient inner, string kind, IDisposable owned)
        : base(inner)
    {
        Kind = kind;
        _owned = owned;
    }

    /// <summary>The provider kind: <c>anthropic</c> or <c>ollama</c>.</summary>
    public string Kind { get; }

    /// <summary>The handler that notes a failed response's status, <c>Retry-After</c> and body for the call in flight.</summary>
    public static DelegatingHandler CreateHandler(TimeProvider time, HttpMessageHandler inner) => new CaptureHandler(time) { InnerHandler = inner };

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var failure = new Failure();
        s_current.Value = failure;
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, failure) is { } failed)
        {
            throw failed;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var failure = new Failure();
        var finished = false;
        var stream = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    // Set before every step: an iterator resumes in its caller's flow, not in the one it left.
                    s_current.Value = failure;
                    more = await stream.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (Translate(ex, failure) is { } failed)
                {
                    throw failed;
                }

                if (!more)
                {
                    if (!finished)
                    {
                        // OllamaSharp ends a stream quietly when it is cancelled: that is the caller's cancellation,
                        // not a cut.
                        cancellationToken.ThrowIfCancellationRequested();
                        throw Cut();
                    }

                    yield break;
                }

                finished |= IsEnd(stream.Current);
                yield return stream.Current;
            }
        }
    }

    /// <summary>
    /// Whether the provider said its answer is complete: a finish reason, Anthropic's <c>message_stop</c> or Ollama's
    /// <c>done</c> line. A stream that closes before that was cut, and the SDKs would end it quietly.
    /// </summary>
    private static bool IsEnd(ChatResponseUpdate update) =>
        update.FinishReason is not null
        || update.RawRepresentation is Anthropic.Models.Messages.RawMessageStreamEvent { Value: Anthropic.Models.Messages.RawMessageStopEvent }
        || update.RawRepresentation is OllamaSharp.Models.Chat.ChatResponseStream { Done: true };

    private HttpRequestException Cut()
    {
        const string Detail = "the stream ended before the model finished its answer";
        var cut = new HttpRequestException(HttpRequestError.ResponseEnded, $"{Kind}: {Detail}.");
        cut.Data[ConnectorErrors.KindKey] = Kind;
        cut.Data[ConnectorErrors.DetailKey] = Detail;
        return cut;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _owned.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Notes what the transport saw on <paramref name="ex"/>; for a provider failure, the exception to throw instead.</summary>
    private HttpRequestException? Translate(Exception ex, Failure failure)
    {
        ex.Data[ConnectorErrors.KindKey] = Kind;
        if (failure.Status is { } status)
        {
            ex.Data[ConnectorErrors.StatusKey] = status;
        }

        if (failure.RetryAfter is { } retryAfter)
        {
            ex.Data[ConnectorErrors.RetryAfterKey] = retryAfter;
        }

        if (failure.Body is { } body)
        {
            ex.Data[ConnectorErrors.BodyKey] = body;
        }

        if (ex is OperationCanceledException or TimeoutException || !ConnectorErrors.TryRead(ex, out var code, out _, out var detail))
        {
            return null;
        }

        // Without a status, the error says what kind of transport trouble it was: no connection, a body that broke
        // off, or one that could not be read.
        var error = code is not null ? HttpRequestError.Unknown
            : ex is IOException ? HttpRequestError.ResponseEnded
            : ex is HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http ? http.HttpRequestError
            : ex.InnerException is HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } inner ? inner.HttpRequestError
            : ex is HttpRequestException || ex.InnerException is HttpRequestException ? HttpRequestError.ConnectionError
            : HttpRequestError.InvalidResponse;
        var failed = new HttpRequestException(
            error,
            code is { } known ? $"{Kind} answered {known}: {detail}" : $"{Kind}: {detail}",
            ex,
            code is { } value ? (System.Net.HttpStatusCode)value : null);
        foreach (System.Collections.DictionaryEntry entry in ex.Data)
        {
            failed.Data[entry.Key] = entry.Value;
        }

        failed.Data[ConnectorErrors.DetailKey] = detail;
        return failed;
    }

    /// <summary>What the transport saw of the last failed response of one call.</summary>
    private sealed class Failure
    {
        public int? Status { get; set; }

        public TimeSpan? RetryAfter { get; set; }

        public string? Body { get; set; }
    }

    private sealed class CaptureHandler(TimeProvider time) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode || s_current.Value is not { } failure)
            {
                return response;
            }

            failure.Status = (int)response.StatusCode;
            failure.RetryAfter = RetryAfter(response.Headers, time);
            try
            {
                // Buffered, so the SDK still reads the body after this.
                await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                failure.Body = body.Length > MaxBody ? body[..MaxBody] : body;
            }
            catch (HttpRequestException)
            {
                // A body that breaks off is the SDK's to report; the status is already noted.
            }

            return response;
        }

        /// <summary><c>retry-after-ms</c> (sent by some gateways) or <c>Retry-After</c> as seconds or an HTTP date.</summary>
        private static TimeSpan? RetryAfter(HttpResponseHeaders headers, TimeProvider time)
        {
            if (headers.TryGetValues("retry-after-ms", out var values)
                && double.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ms)
                && ms >= 0)
            {
                return TimeSpan.FromMilliseconds(ms);
            }

            return headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
                _ => null,
            };
        }
    }
}
