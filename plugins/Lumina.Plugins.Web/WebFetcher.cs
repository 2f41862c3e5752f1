using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Lumina.Abstractions;
using Microsoft.Extensions.Logging;

namespace Lumina.Plugins.Web;

/// <summary>
/// Fetches a URL through the <see cref="SsrfGuard"/>: every hop vetted, every connection made to a vetted address,
/// redirects followed by hand, and the time, the bytes received and the bytes after decompression capped.
/// </summary>
/// <remarks>
/// The handler never resolves a name itself: its connect callback takes the addresses the guard vetted for the
/// request (carried in the request's options) and connects to exactly those, so DNS rebinding between the check and
/// the connection cannot swap them. A pooled connection is only reused for the same scheme, host and port, whose
/// addresses were vetted when it was made. No proxy (an environment proxy would connect elsewhere), no cookies, no
/// HTTP/3 (QUIC does not go through the connect callback), and no automatic decompression: bodies are decompressed
/// here, through a cap.
/// </remarks>
internal sealed partial class WebFetcher : IDisposable
{
    /// <summary>The most redirects one fetch follows.</summary>
    public const int MaxRedirects = 5;

    private static readonly HttpRequestOptionsKey<VettedTarget> s_target = new("Lumina.Web.VettedTarget");

    private readonly WebOptions _options;
    private readonly SsrfGuard _guard;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _client;

    public WebFetcher(WebOptions options, IWebHostResolver resolver, TimeProvider time, ILogger<WebFetcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _guard = new SsrfGuard(options, resolver);
        _time = time;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = ConnectAsync,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxResponseHeadersLength = 64,
            MaxResponseDrainSize = 64 * 1024,
        };
        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    /// <summary>Fetches a URL with GET, following up to <see cref="MaxRedirects"/> redirects.</summary>
    /// <exception cref="LuminaRefusalException">The URL or a redirect is refused, the site did not answer in time or could not be reached, or the body is over a cap.</exception>
    public async Task<FetchedResponse> FetchAsync(Uri uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var current = uri;
            for (var hop = 0; ; hop++)
            {
                var target = await _guard.VetAsync(current, linked.Token).ConfigureAwait(false);
                using var request = new HttpRequestMessage(HttpMethod.Get, target.Uri)
                {
                    Version = HttpVersion.Version11,
                    VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
                };
                request.Options.Set(s_target, target);
                request.Headers.UserAgent.ParseAdd(_options.UserAgent);
                request.Headers.Accept.ParseAdd("text/html, application/xhtml+xml, text/*;q=0.9, application/json;q=0.8, */*;q=0.1");
                request.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br");
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
                {
                    if (hop >= MaxRedirects)
                    {
                        throw new LuminaRefusalException($"The site redirected more than {MaxRedirects} times; the last redirect was not followed.");
                    }

                    current = location.IsAbsoluteUri ? location : new Uri(target.Uri, location);
                    LogRedirect(_logger, hop + 1, MaxRedirects);
                    continue;
                }

                return await ReadAsync(target.Uri, response, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new LuminaRefusalException(LuminaRefusalKind.Unavailable, FormattableString.Invariant($"The site did not answer within {_options.Timeout.TotalSeconds:0.###} s (Lumina:Web:Timeout)."));
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(_logger, ex.HttpRequestError, ex);
            throw new LuminaRefusalException(LuminaRefusalKind.Unavailable, $"The site could not be reached ({ex.HttpRequestError}).");
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(_logger, HttpRequestError.ResponseEnded, ex);
            throw new LuminaRefusalException(LuminaRefusalKind.Unavailable, "The site's answer broke off before its end.");
        }
        catch (LuminaRefusalException ex)
        {
            LogRefused(_logger, ex.Kind);
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        // Fail closed: a connection for a request the guard did not vet is never made.
        if (!context.InitialRequestMessage.Options.TryGetValue(s_target, out var target) || target.Addresses.Count == 0)
        {
            throw new InvalidOperationException("A connection was asked for a request the SSRF guard did not vet.");
        }

        SocketException? last = null;
        foreach (var address in target.Addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new HttpRequestException(HttpRequestError.ConnectionError, "No vetted address accepted the connection.", last);
    }

    private async Task<FetchedResponse> ReadAsync(Uri uri, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var headers = response.Content.Headers;
        if (headers.ContentLength > _options.MaxBytes)
        {
            throw new LuminaRefusalException(LuminaRefusalKind.TooLarge, $"The response is {headers.ContentLength} bytes, more than {_options.MaxBytes} (Lumina:Web:MaxBytes); it was not read.");
        }

        var wire = new CappedStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _options.MaxBytes, "as received");
        await using (wire.ConfigureAwait(false))
        {
            var encodings = headers.ContentEncoding.Where(e => !e.Equals("identity", StringComparison.OrdinalIgnoreCase)).ToList();
            if (encodings.Count > 1)
            {
                throw new LuminaRefusalException("The response is compressed more than once (Content-Encoding: " + string.Join(", ", encodings) + "); only one of gzip, deflate or br is accepted.");
            }

            var body = encodings.Count == 0 ? wire : new CappedStream(Decompressor(encodings[0], wire), _options.MaxBytes, "after decompression");
            using var buffer = new MemoryStream();
            try
            {
                await body.CopyToAsync(buffer, 16 * 1024, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                throw new LuminaRefusalException(LuminaRefusalKind.Unavailable, $"The response's {encodings[0]} body is corrupt.");
            }
            finally
            {
                if (!ReferenceEquals(body, wire))
                {
                    await body.DisposeAsync().ConfigureAwait(false);
                }
            }

            var type = headers.ContentType;
            return new FetchedResponse(uri, (int)response.StatusCode, type?.MediaType?.ToLowerInvariant(), Charset(type), buffer.ToArray());
        }
    }

    private static string? Charset(MediaTypeHeaderValue? type) => type?.CharSet?.Trim('"', ' ');

    private static Stream Decompressor(string encoding, Stream wire) => encoding.ToLowerInvariant() switch
    {
        "gzip" or "x-gzip" => new GZipStream(wire, CompressionMode.Decompress, leaveOpen: true),
        "deflate" => new ZLibStream(wire, CompressionMode.Decompress, leaveOpen: true),
        "br" => new BrotliStream(wire, CompressionMode.Decompress, leaveOpen: true),
        _ => throw new LuminaRefusalException($"The response uses an unsupported Content-Encoding ({encoding}); gzip, deflate and br are accepted."),
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "web_fetch followed redirect {Hop} of at most {Max}")]
    private static partial void LogRedirect(ILogger logger, int hop, int max);

    [LoggerMessage(Level = LogLevel.Information, Message = "web_fetch could not reach a site ({Error})")]
    private static partial void LogUnreachable(ILogger logger, HttpRequestError error, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "web_fetch refused a request ({Kind})")]
    private static partial void LogRefused(ILogger logger, LuminaRefusalKind kind);
}
