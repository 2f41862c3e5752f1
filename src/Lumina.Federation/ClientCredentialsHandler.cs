using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lumina.Abstractions;
using Microsoft.Extensions.Logging;

namespace Lumina.Federation;

/// <summary>
/// Puts an OAuth 2.0 access token of the client credentials grant (RFC 6749 §4.4) on every request to an upstream
/// server. The token is asked for once (one request at a time, however many calls wait for it) and used until shortly
/// before it expires; when the server answers 401 the handler gets a fresh token and sends the request once more.
/// </summary>
/// <remarks>
/// Written here because the MCP SDK's <c>HttpClientTransportOptions.OAuth</c> does the authorization code grant (a
/// browser redirect, refresh tokens, dynamic registration) and enterprise token exchange, but not client credentials,
/// which a server-side host like Lumina needs. The token requests go through the inner handler, not through this one.
/// </remarks>
internal sealed partial class ClientCredentialsHandler : DelegatingHandler
{
    /// <summary>How long before it expires a token is renewed (or halfway through a shorter life).</summary>
    private static readonly TimeSpan s_renewBefore = TimeSpan.FromSeconds(30);

    private readonly string _server;
    private readonly Uri _tokenUrl;
    private readonly string _shownTokenUrl;
    private readonly string _basicCredentials;
    private readonly string[] _secretForms;
    private readonly string? _scope;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _fetching = new(1, 1);
    private AccessToken? _token;

    /// <param name="server">The upstream server's name, for errors and logs.</param>
    /// <param name="tokenUrl">The authorization server's token endpoint.</param>
    /// <param name="clientId">The client id, sent with <paramref name="clientSecret"/> as HTTP Basic credentials.</param>
    /// <param name="clientSecret">The client secret: sent only to <paramref name="tokenUrl"/>, never in an error or a log.</param>
    /// <param name="scopes">The scopes to ask for; none: the authorization server's default.</param>
    /// <param name="time">The clock that tells when a token expires.</param>
    public ClientCredentialsHandler(string server, Uri tokenUrl, string clientId, string clientSecret, IEnumerable<string> scopes, TimeProvider time, ILogger<ClientCredentialsHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(tokenUrl);
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(clientSecret);
        ArgumentNullException.ThrowIfNull(scopes);
        _server = server;
        _tokenUrl = tokenUrl;

        // Without query or user info, which could hold something secret of their own.
        _shownTokenUrl = tokenUrl.GetLeftPart(UriPartial.Path);

        // RFC 6749 §2.3.1: each form-url-encoded before they are joined and base64-encoded.
        var encodedSecret = WebUtility.UrlEncode(clientSecret);
        _basicCredentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{WebUtility.UrlEncode(clientId)}:{encodedSecret}"));
        _secretForms = [.. new[] { clientSecret, encodedSecret, _basicCredentials }.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal)];
        var joined = string.Join(' ', scopes);
        _scope = joined.Length > 0 ? joined : null;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    /// <exception cref="LuminaException">No access token could be got; the message names the server and the token endpoint.</exception>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Sent again after a 401: buffered, so any content can be (MCP's are small JSON messages).
        if (request.Content is { } content)
        {
            await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        var token = await TokenAsync(rejected: null, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        // Revoked, or expired early: one fresh token and one more try; a second 401 is the server's answer.
        LogRejected(_server);
        response.Dispose();
        token = await TokenAsync(rejected: token, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _fetching.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The token to send: the one in hand while it is valid and not <paramref name="rejected"/>, else a new one.</summary>
    private async ValueTask<AccessToken> TokenAsync(AccessToken? rejected, CancellationToken cancellationToken)
    {
        if (Usable(Volatile.Read(ref _token), rejected) is { } held)
        {
            return held;
        }

        await _fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have got one while this one waited.
            if (Usable(_token, rejected) is { } got)
            {
                return got;
            }

            var fresh = await RequestTokenAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _token, fresh);
            return fresh;
        }
        finally
        {
            _fetching.Release();
        }
    }

    private AccessToken? Usable(AccessToken? token, AccessToken? rejected) =>
        token is not null && !ReferenceEquals(token, rejected) && _time.GetUtcNow() < token.RenewAt ? token : null;

    /// <summary>Asks the token endpoint for a token.</summary>
    /// <exception cref="LuminaException">It cannot be reached, refuses, or answers without a bearer token.</exception>
    private async Task<AccessToken> RequestTokenAsync(CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials" };
        if (_scope is not null)
        {
            form["scope"] = _scope;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _tokenUrl) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _basicCredentials);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var sent = _time.GetUtcNow();
        string body;
        HttpStatusCode status;
        try
        {
            using var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw Failure($"it could not be reached ({ex.Message})", ex);
        }

        JsonElement answer = default;
        try
        {
            using var document = JsonDocument.Parse(body);
            answer = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Said below: a refusal by its status, a success without JSON as having no access_token.
        }

        var error = Text(answer, "error");
        if ((int)status is < 200 or > 299 || error is not null)
        {
            var description = Text(answer, "error_description") is { } said && said.Length > 300 ? $"{said[..300]}…" : Text(answer, "error_description");
            var oauth = error is null ? string.Empty : description is null ? $": {error}" : $": {error} ({description})";
            throw Failure($"the token endpoint answered {(int)status} {status}{oauth}", null);
        }

        if (Text(answer, "access_token") is not { Length: > 0 } value)
        {
            throw Failure("the token endpoint's answer has no access_token", null);
        }

        if (Text(answer, "token_type") is { } type && !string.Equals(type, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw Failure($"the token endpoint gave a token of type '{type}', not Bearer", null);
        }

        // Without expires_in the token is used until the server refuses it.
        var lifetime = Lifetime(answer);
        var renewAt = lifetime is { } life ? sent + life - TimeSpan.FromTicks(Math.Min(s_renewBefore.Ticks, life.Ticks / 2)) : DateTimeOffset.MaxValue;
        LogTokenObtained(_server, lifetime);
        return new AccessToken(value, renewAt);
    }

    /// <summary>An error naming the server and the token endpoint, with any form of the secret the answer echoed cut out.</summary>
    private LuminaException Failure(string reason, Exception? inner)
    {
        var message = $"The upstream server '{_server}' could not get an OAuth access token from {_shownTokenUrl}: {reason}.";
        foreach (var secret in _secretForms)
        {
            message = message.Replace(secret, "***", StringComparison.Ordinal);
        }

        return new LuminaException(message, inner);
    }

    private static string? Text(JsonElement answer, string name) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The token's <c>expires_in</c> (a number of seconds, or, from some servers, a string of one).</summary>
    private static TimeSpan? Lifetime(JsonElement answer)
    {
        if (answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("expires_in", out var value))
        {
            return null;
        }

        double seconds;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number))
        {
            seconds = number;
        }
        else if (value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            seconds = parsed;
        }
        else
        {
            return null;
        }

        return TimeSpan.FromSeconds(Math.Clamp(seconds, 0, TimeSpan.FromDays(3650).TotalSeconds));
    }

    /// <summary>An access token and when to get the next one.</summary>
    private sealed record AccessToken(string Value, DateTimeOffset RenewAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upstream server {Server}: access token obtained (expires in {Lifetime})")]
    private partial void LogTokenObtained(string server, TimeSpan? lifetime);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream server {Server} refused its access token (401); the request is sent again with a new one")]
    private partial void LogRejected(string server);
}
