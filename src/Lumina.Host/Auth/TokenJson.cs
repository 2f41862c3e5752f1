using System.Text.Json.Serialization;

namespace Lumina.Host.Auth;

/// <summary>A successful token answer (RFC 6749 §5.1).</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn);

/// <summary>A refused token request (RFC 6749 §5.2).</summary>
internal sealed record TokenError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription);

[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(TokenError))]
internal sealed partial class TokenJson : JsonSerializerContext;
