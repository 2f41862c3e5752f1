using System.Net;
using System.Net.Sockets;

namespace Lumina.Plugins.Web;

/// <summary>Classifies addresses for the SSRF guard: which special-purpose block (IANA registries) an address is in.</summary>
/// <remarks>
/// IPv6 forms that carry an IPv4 address (mapped <c>::ffff:0:0/96</c>, compatible <c>::/96</c>, SIIT
/// <c>::ffff:0:0:0/96</c>, NAT64 <c>64:ff9b::/96</c>, 6to4 <c>2002::/16</c>) are classified by the IPv4 address they
/// carry, so <c>::ffff:127.0.0.1</c> is loopback like <c>127.0.0.1</c>.
/// </remarks>
internal static class AddressRules
{
    private static readonly HashSet<IPAddress> s_metadata =
    [
        IPAddress.Parse("169.254.169.254"), // AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle instance metadata
        IPAddress.Parse("169.254.170.2"), // AWS ECS task credentials
        IPAddress.Parse("169.254.169.253"), // AWS VPC DNS
        IPAddress.Parse("169.254.169.123"), // AWS time sync
        IPAddress.Parse("168.63.129.16"), // Azure WireServer (a public address)
        IPAddress.Parse("100.100.100.200"), // Alibaba Cloud metadata
        IPAddress.Parse("192.0.0.192"), // Oracle Cloud legacy metadata
        IPAddress.Parse("fd00:ec2::254"), // AWS metadata over IPv6
        IPAddress.Parse("fd00:ec2::23"), // AWS ECS/EKS pod identity agent
        IPAddress.Parse("fd00:ec2::253"), // AWS VPC DNS over IPv6
    ];

    private static readonly (IPNetwork Network, AddressClass Class)[] s_v4 =
    [
        (IPNetwork.Parse("0.0.0.0/8"), AddressClass.Unspecified),
        (IPNetwork.Parse("10.0.0.0/8"), AddressClass.Private),
        (IPNetwork.Parse("100.64.0.0/10"), AddressClass.Private),
        (IPNetwork.Parse("127.0.0.0/8"), AddressClass.Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), AddressClass.LinkLocal),
        (IPNetwork.Parse("172.16.0.0/12"), AddressClass.Private),
        (IPNetwork.Parse("192.0.0.0/24"), AddressClass.Reserved),
        (IPNetwork.Parse("192.0.2.0/24"), AddressClass.Reserved),
        (IPNetwork.Parse("192.88.99.0/24"), AddressClass.Reserved),
        (IPNetwork.Parse("192.168.0.0/16"), AddressClass.Private),
        (IPNetwork.Parse("198.18.0.0/15"), AddressClass.Reserved),
        (IPNetwork.Parse("198.51.100.0/24"), AddressClass.Reserved),
        (IPNetwork.Parse("203.0.113.0/24"), AddressClass.Reserved),
        (IPNetwork.Parse("224.0.0.0/4"), AddressClass.Multicast),
        (IPNetwork.Parse("240.0.0.0/4"), AddressClass.Broadcast),
    ];

    private static readonly (IPNetwork Network, AddressClass Class)[] s_v6 =
    [
        (IPNetwork.Parse("::1/128"), AddressClass.Loopback),
        (IPNetwork.Parse("::/128"), AddressClass.Unspecified),
        (IPNetwork.Parse("64:ff9b:1::/48"), AddressClass.Private),
        (IPNetwork.Parse("100::/64"), AddressClass.Reserved),
        (IPNetwork.Parse("2001::/32"), AddressClass.Reserved),
        (IPNetwork.Parse("2001:db8::/32"), AddressClass.Reserved),
        (IPNetwork.Parse("2001:10::/28"), AddressClass.Reserved),
        (IPNetwork.Parse("2001:20::/28"), AddressClass.Reserved),
        (IPNetwork.Parse("3fff::/20"), AddressClass.Reserved),
        (IPNetwork.Parse("fc00::/7"), AddressClass.Private),
        (IPNetwork.Parse("fe80::/10"), AddressClass.LinkLocal),
        (IPNetwork.Parse("fec0::/10"), AddressClass.LinkLocal),
        (IPNetwork.Parse("ff00::/8"), AddressClass.Multicast),
    ];

    private static readonly IPNetwork s_compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork s_siit = IPNetwork.Parse("::ffff:0:0:0/96");
    private static readonly IPNetwork s_nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork s_6to4 = IPNetwork.Parse("2002::/16");

    /// <summary>
    /// The address a connection to <paramref name="address"/> reaches, in its plainest form: an IPv4-mapped IPv6
    /// address as IPv4, the scope id dropped.
    /// </summary>
    public static IPAddress Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes())
            : address;
    }

    /// <summary>Classifies an address.</summary>
    public static AddressClass Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Normalize(address);
        if (s_metadata.Contains(address))
        {
            return AddressClass.Metadata;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            if (address.Equals(IPAddress.Broadcast))
            {
                return AddressClass.Broadcast;
            }

            foreach (var (network, kind) in s_v4)
            {
                if (network.Contains(address))
                {
                    return kind;
                }
            }

            return AddressClass.Public;
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return AddressClass.Reserved;
        }

        foreach (var (network, kind) in s_v6)
        {
            if (network.Contains(address))
            {
                return kind;
            }
        }

        var bytes = address.GetAddressBytes();
        if (s_compatible.Contains(address) || s_siit.Contains(address) || s_nat64.Contains(address))
        {
            return Classify(new IPAddress(bytes[12..16]));
        }

        if (s_6to4.Contains(address))
        {
            return Classify(new IPAddress(bytes[2..6]));
        }

        return AddressClass.Public;
    }
}
