using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Lumina.Mcp;

/// <summary>
/// Signs the request state of an input-required result (MCP 2026-07-28, SEP-2322) and checks it when the client sends
/// it back: the client holds the earlier answers of a call between rounds, so what it returns must be what this
/// server — or another host with the same key — gave it, for the same call, before it expired.
/// </summary>
/// <remarks>
/// HMAC-SHA256 over the UTF-8 JSON, as <c>base64url(json).base64url(mac)</c>. The key is
/// <c>Lumina:Mcp:RequestStateKey</c>, else one derived from <c>Lumina:Auth:SigningKey</c>, else made at start (then a
/// state survives neither a restart nor a move to another host, and its call starts over).
/// </remarks>
internal sealed class RequestStateProtector(byte[] key, TimeProvider time)
{
    private const string Purpose = "lumina/mcp/request-state/v1";

    /// <summary>A key for <paramref name="secret"/>, or a random one when there is none.</summary>
    public static byte[] KeyFor(string? secret) => string.IsNullOrEmpty(secret)
        ? RandomNumberGenerator.GetBytes(32)
        : HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, info: Encoding.UTF8.GetBytes(Purpose));

    /// <summary><paramref name="payload"/> bound to <paramref name="binding"/> and valid for <paramref name="lifetime"/>, signed.</summary>
    public string Protect(JsonObject payload, string binding, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(payload);
        payload["b"] = binding;
        payload["x"] = (time.GetUtcNow() + lifetime).ToUnixTimeSeconds();
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        return $"{Base64Url.EncodeToString(body)}.{Base64Url.EncodeToString(HMACSHA256.HashData(key, body))}";
    }

    /// <summary>The payload of <paramref name="state"/>, or null when it was not signed here, is for another call, or has expired.</summary>
    public JsonObject? Unprotect(string state, string binding)
    {
        ArgumentNullException.ThrowIfNull(state);
        var dot = state.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == state.Length - 1)
        {
            return null;
        }

        byte[] body, mac;
        try
        {
            body = Base64Url.DecodeFromChars(state.AsSpan(0, dot));
            mac = Base64Url.DecodeFromChars(state.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, body), mac))
        {
            return null;
        }

        var payload = JsonNode.Parse(body) as JsonObject;
        var expires = payload?["x"]?.GetValue<long>();
        return payload is null
            || payload["b"]?.GetValue<string>() != binding
            || expires is null
            || DateTimeOffset.FromUnixTimeSeconds(expires.Value) < time.GetUtcNow()
            ? null
            : payload;
    }
}
