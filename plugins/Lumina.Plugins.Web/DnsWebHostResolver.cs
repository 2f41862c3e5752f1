using System.Net;
using System.Net.Sockets;

namespace Lumina.Plugins.Web;

/// <summary>Resolves host names through the system resolver (<see cref="Dns"/>).</summary>
internal sealed class DnsWebHostResolver : IWebHostResolver
{
    public async ValueTask<IReadOnlyList<IPAddress>> ResolveAsync(string hostName, CancellationToken cancellationToken)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(hostName, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return [];
        }
    }
}
