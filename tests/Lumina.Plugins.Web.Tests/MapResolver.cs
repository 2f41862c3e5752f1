using System.Net;

namespace Lumina.Plugins.Web.Tests;

/// <summary>
/// A resolver that answers from a table, the way a hostile DNS server would: names that resolve to loopback, metadata
/// or private addresses, mixed answers, and <c>flip.test</c>, which answers 127.0.0.1 once and 127.0.0.2 (a canary)
/// after that — a rebinding attack that only works if the name is resolved twice.
/// </summary>
internal sealed class MapResolver : IWebHostResolver
{
    private static readonly Dictionary<string, string[]> s_table = new(StringComparer.OrdinalIgnoreCase)
    {
        ["localhost"] = ["127.0.0.1", "::1"],
        ["rebind.test"] = ["127.0.0.2"],
        ["mapped.test"] = ["::ffff:127.0.0.2"],
        ["mixed.test"] = ["93.184.216.34", "127.0.0.2"],
        ["v6local.test"] = ["::1"],
        ["ula.test"] = ["fd12:3456::1"],
        ["cgnat.test"] = ["100.64.0.1"],
        ["private.test"] = ["10.1.2.3"],
        ["meta.test"] = ["169.254.169.254"],
        ["metadata.google.internal"] = ["169.254.169.254"],
        ["ec2v6.test"] = ["fd00:ec2::254"],
        ["zero.test"] = ["0.0.0.0"],
        ["linklocal.test"] = ["fe80::1"],
        ["nothing.test"] = [],
    };

    private int _flips;

    /// <summary>How many times a name was resolved.</summary>
    public int Resolutions { get; private set; }

    public ValueTask<IReadOnlyList<IPAddress>> ResolveAsync(string hostName, CancellationToken cancellationToken)
    {
        Resolutions++;
        if (hostName.Equals("flip.test", StringComparison.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult<IReadOnlyList<IPAddress>>([IPAddress.Parse(_flips++ == 0 ? "127.0.0.1" : "127.0.0.2")]);
        }

        var addresses = s_table.TryGetValue(hostName, out var found) ? found : [];
        return ValueTask.FromResult<IReadOnlyList<IPAddress>>(addresses.Select(IPAddress.Parse).ToList());
    }
}
