using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Lumina.Plugins.Web;

/// <summary>
/// Reads a URL's host as the socket layer would: IPv4 in every form <c>inet_aton</c> takes (decimal <c>2130706433</c>,
/// octal <c>0177.0.0.1</c>, hex <c>0x7f.1</c>, short <c>127.1</c>) and IPv6 with or without brackets and zone id.
/// </summary>
/// <remarks>
/// A host whose last label is a number is an address (as the WHATWG URL standard reads it), never a name: one that
/// does not parse as an address is refused rather than handed to a resolver, which might read it differently.
/// </remarks>
internal static class IpLiteral
{
    /// <summary>Parses <paramref name="host"/> as an IP literal.</summary>
    /// <returns>The address; null when the host is a name.</returns>
    /// <exception cref="FormatException">The host looks like an address but is not a valid one.</exception>
    public static IPAddress? Parse(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.StartsWith('[') || host.Contains(':', StringComparison.Ordinal))
        {
            var inner = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
            var zone = inner.IndexOf('%', StringComparison.Ordinal);
            var bare = zone >= 0 ? inner[..zone] : inner;
            if (bare.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(bare, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw new FormatException("not a valid IPv6 address");
            }

            // The zone id only picks an interface; the address it names is what is vetted.
            return v6;
        }

        var trimmed = host.EndsWith('.') ? host[..^1] : host;
        var labels = trimmed.Split('.');
        if (!IsNumber(labels[^1]))
        {
            return null;
        }

        if (labels.Length > 4)
        {
            throw new FormatException("too many parts for an IPv4 address");
        }

        var parts = new ulong[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            parts[i] = ParsePart(labels[i]);
        }

        ulong value = 0;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (parts[i] > 255)
            {
                throw new FormatException("an IPv4 part is over 255");
            }

            value |= parts[i] << (8 * (3 - i));
        }

        var last = parts[^1];
        var room = 8 * (5 - parts.Length);
        if (last >= 1UL << room)
        {
            throw new FormatException("the last IPv4 part is too large");
        }

        value |= last;
        return new IPAddress(new[] { (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value });
    }

    private static bool IsNumber(string label)
    {
        if (label.Length == 0)
        {
            return false;
        }

        if (label.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return label[2..].All(Uri.IsHexDigit);
        }

        return label.All(char.IsAsciiDigit);
    }

    private static ulong ParsePart(string label)
    {
        if (label.Length == 0)
        {
            throw new FormatException("an empty IPv4 part");
        }

        string digits;
        NumberStyles style;
        int radix;
        if (label.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            (digits, style, radix) = (label[2..], NumberStyles.AllowHexSpecifier, 16);
        }
        else if (label.Length > 1 && label[0] == '0')
        {
            (digits, style, radix) = (label[1..], NumberStyles.None, 8);
        }
        else
        {
            (digits, style, radix) = (label, NumberStyles.None, 10);
        }

        if (digits.Length == 0)
        {
            return 0;
        }

        if (digits.TrimStart('0').Length > 12)
        {
            throw new FormatException("an IPv4 part is too long");
        }

        if (radix == 8)
        {
            ulong octal = 0;
            foreach (var c in digits)
            {
                if (c is < '0' or > '7')
                {
                    throw new FormatException("an octal IPv4 part has a digit over 7");
                }

                octal = (octal * 8) + (ulong)(c - '0');
            }

            return octal;
        }

        if (!ulong.TryParse(digits, style, CultureInfo.InvariantCulture, out var parsed))
        {
            throw new FormatException("an IPv4 part is not a number");
        }

        return parsed;
    }
}
