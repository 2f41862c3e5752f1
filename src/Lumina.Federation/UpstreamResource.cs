using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.SemanticKernel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Lumina.Federation;

/// <summary>
/// A resource or resource template of an upstream MCP server, served under the URI <c>&lt;server&gt;+&lt;its URI&gt;</c>
/// (see <see cref="UpstreamServer.ServedUri"/>): a read goes to the server with the URI it knows and the contents come
/// back as it sent them, under served URIs. A subscription asks the server for updates, which reach the subscribed
/// clients; completions of a template's variables are the server's.
/// </summary>
internal sealed class UpstreamResource : UpstreamFunction, ILuminaDescribedFunction
{
    private readonly UpstreamServer _server;

    private UpstreamResource(UpstreamServer server, string uri, object descriptor, string name, string? title)
        : base(
            JsonSerializer.SerializeToElement(descriptor, descriptor.GetType(), McpJsonUtilities.DefaultOptions),
            // From a hash of its URI: a URI can hold anything.
            $"resource_{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(uri)))[..16]}",
            new LuminaToolAttribute { Name = server.ServedName(name), Title = title, ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false },
            server.Options.Permission ?? LuminaPermission.Read)
    {
        _server = server;
        UpstreamUri = uri;
        Resource = new LuminaResourceAttribute(server.ServedUri(uri)) { Name = name, Title = title };
    }

    /// <summary>Its URI (or URI template) on its server.</summary>
    public string UpstreamUri { get; }

    public LuminaResourceAttribute Resource { get; }

    public ValueTask<IReadOnlyList<string>?> CompleteAsync(string argument, string value, IReadOnlyDictionary<string, string>? arguments, CancellationToken cancellationToken) =>
        _server.CompleteAsync(new ResourceTemplateReference { Uri = UpstreamUri }, argument, value, arguments, cancellationToken);

    public ValueTask SubscribedAsync(string uri, CancellationToken cancellationToken) =>
        _server.SubscribeAsync(_server.UpstreamUri(uri), cancellationToken);

    /// <summary>The kernel function of a resource.</summary>
    public static (KernelFunction Function, UpstreamResource Described) Create(UpstreamServer server, Resource resource) =>
        Create(server, new UpstreamResource(server, resource.Uri, resource, resource.Name, resource.Title), resource.Description);

    /// <summary>The kernel function of a resource template.</summary>
    public static (KernelFunction Function, UpstreamResource Described) Create(UpstreamServer server, ResourceTemplate template) =>
        Create(server, new UpstreamResource(server, template.UriTemplate, template, template.Name, template.Title), template.Description);

    private static (KernelFunction Function, UpstreamResource Described) Create(UpstreamServer server, UpstreamResource described, string? description)
    {
        var function = described.CreateFunction(
            description ?? described.Resource.Title ?? described.Resource.Name ?? described.UpstreamUri,
            [],
            "The server's contents, as it sent them.",
            (arguments, context, cancellationToken) => server.ReadResourceAsync(
                server.UpstreamUri(arguments.TryGetValue(LuminaDescribed.UriArgument, out var asked) && asked is string uri ? uri : described.Resource.Uri),
                context,
                cancellationToken));
        return (function, described);
    }
}
