namespace Lumina.Plugins.Web;

/// <summary>What kind of network an address is on, as far as the SSRF guard is concerned.</summary>
internal enum AddressClass
{
    /// <summary>A public unicast address.</summary>
    Public,

    /// <summary>RFC 1918, CGNAT (100.64/10) or IPv6 unique-local: reachable with <c>Lumina:Web:AllowPrivateNetworks</c>.</summary>
    Private,

    /// <summary>Loopback: this host itself.</summary>
    Loopback,

    /// <summary>Link-local (169.254/16, fe80::/10), where cloud platforms put their own services.</summary>
    LinkLocal,

    /// <summary>A cloud metadata or platform endpoint (169.254.169.254, fd00:ec2::254, 168.63.129.16, …).</summary>
    Metadata,

    /// <summary>Multicast.</summary>
    Multicast,

    /// <summary>The unspecified address or 0.0.0.0/8 ("this network"), which connects to this host.</summary>
    Unspecified,

    /// <summary>The limited broadcast address or the reserved 240/4 block.</summary>
    Broadcast,

    /// <summary>Another special-purpose block: documentation, benchmarking, IETF protocol assignments, Teredo, discard.</summary>
    Reserved,
}
