using System.Net;

namespace Lumina.Plugins.Web;

/// <summary>A URL the SSRF guard let through and the addresses a connection for it may go to.</summary>
/// <param name="Uri">The URL.</param>
/// <param name="Addresses">The vetted addresses, in the order to try them; never empty.</param>
internal sealed record VettedTarget(Uri Uri, IReadOnlyList<IPAddress> Addresses);
