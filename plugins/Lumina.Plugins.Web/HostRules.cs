using System.Globalization;
using System.Net;

namespace Lumina.Plugins.Web;

/// <summary>
/// A list of hosts from <c>Lumina:Web:AllowedHosts</c> or <c>:DeniedHosts</c>: exact names, <c>*.suffix</c> (any name
/// under the suffix, not the suffix itself), and addresses or CIDR blocks, which match the resolved address.
/// </summary>
internal sealed class HostRules
{
    private static readonly IdnMapping s_idn = new();

    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _suffixes = [];
    private readonly List<IPNetwork> _networks = [];

    private HostRules()
    {
    }

    /// <summary>Whether the list has no entries.</summary>
    public bool IsEmpty => _names.Count == 0 && _suffixes.Count == 0 && _networks.Count == 0;

    /// <summary>Parses the entries of a setting.</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="setting">The setting's name, for the messages (<c>Lumina:Web:AllowedHosts</c>).</param>
    /// <param name="errors">Where a message naming the setting and entry goes for each bad entry.</param>
    public static HostRules Parse(IEnumerable<string>? entries, string setting, List<string> errors)
    {
        var rules = new HostRules();
        var i = -1;
        foreach (var raw in entries ?? [])
        {
            i++;
            var entry = raw?.Trim() ?? string.Empty;
            if (entry.Length == 0)
            {
                errors.Add($"{setting}:{i} is empty.");
                continue;
            }

            if (entry.Contains('/', StringComparison.Ordinal) || IPAddress.TryParse(entry.Trim('[', ']'), out _))
            {
                var text = entry.Contains('/', StringComparison.Ordinal) ? entry : entry.Trim('[', ']');
                if (IPNetwork.TryParse(text, out var network))
                {
                    rules._networks.Add(network);
                }
                else if (IPAddress.TryParse(text, out var address))
                {
                    rules._networks.Add(new IPNetwork(AddressRules.Normalize(address), AddressRules.Normalize(address).GetAddressBytes().Length * 8));
                }
                else
                {
                    errors.Add($"{setting}:{i} ('{entry}') is not a valid address or CIDR block (such as 10.1.0.0/16).");
                }

                continue;
            }

            var wildcard = entry.StartsWith("*.", StringComparison.Ordinal);
            var name = NormalizeName(wildcard ? entry[2..] : entry);
            if (name is null || name.Contains('*', StringComparison.Ordinal))
            {
                errors.Add($"{setting}:{i} ('{entry}') must be a host name, *.suffix, an address or a CIDR block.");
            }
            else if (wildcard)
            {
                rules._suffixes.Add("." + name);
            }
            else
            {
                rules._names.Add(name);
            }
        }

        return rules;
    }

    /// <summary>The lower-case ASCII (punycode) form of a host name without a trailing dot; null when it is not one.</summary>
    public static string? NormalizeName(string host)
    {
        var trimmed = host.TrimEnd('.');
        if (trimmed.Length == 0 || trimmed.Length > 253)
        {
            return null;
        }

        try
        {
            var ascii = s_idn.GetAscii(trimmed).ToLowerInvariant();
            return ascii.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '*') ? ascii : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Whether the list has address or CIDR entries, which only a resolved address can match.</summary>
    public bool HasNetworks => _networks.Count > 0;

    /// <summary>Whether a (normalized) host name is listed by name or suffix.</summary>
    public bool MatchesName(string? name) =>
        name is not null && (_names.Contains(name) || _suffixes.Exists(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Whether an address is in a listed address or CIDR block.</summary>
    public bool MatchesAddress(IPAddress address)
    {
        var plain = AddressRules.Normalize(address);
        return _networks.Exists(n => n.Contains(plain));
    }
}
