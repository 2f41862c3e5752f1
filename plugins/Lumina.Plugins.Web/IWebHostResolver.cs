using System.Net;

namespace Lumina.Plugins.Web;

/// <summary>Resolves host names for the web plugin; the guard vets what it returns and connects only there.</summary>
/// <remarks>Replaceable so tests can map names such as <c>rebind.test</c> to forbidden addresses.</remarks>
public interface IWebHostResolver
{
    /// <summary>The addresses of a host name (never an IP literal: those are parsed, not resolved).</summary>
    /// <returns>The addresses; empty when the name does not resolve.</returns>
    ValueTask<IReadOnlyList<IPAddress>> ResolveAsync(string hostName, CancellationToken cancellationToken);
}
