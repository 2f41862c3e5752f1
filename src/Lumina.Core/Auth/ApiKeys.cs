using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Lumina.Core.Auth;

/// <summary>
/// API key material: a key is <c>lum_</c> + 32 random bytes (base64url), recognisable in logs and by secret scanners; it
/// is stored only as its SHA-256 hash, under a separate random id that is safe to show.
/// </summary>
public static class ApiKeys
{
    /// <summary>What every Lumina API key starts with.</summary>
    public const string Prefix = "lum_";

    private const int SecretBytes = 32;

    /// <summary>A new key.</summary>
    public static string NewSecret() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>A new public key id.</summary>
    public static string NewId() => "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>The SHA-256 hash a key is stored and looked up by.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Whether <paramref name="secret"/> has the shape of a Lumina key (checked before any lookup).</summary>
    public static bool LooksValid(string? secret) =>
        secret is not null && secret.StartsWith(Prefix, StringComparison.Ordinal) && secret.Length is > 40 and < 100;
}
