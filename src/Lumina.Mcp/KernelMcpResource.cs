using System.Text.Json;
using System.Text.RegularExpressions;
using Lumina.Core.Auth;
using Lumina.Core.Plugins;
using Lumina.Core.Tools;
using Microsoft.SemanticKernel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>A native function marked <c>[LuminaResource]</c>, served as an MCP resource or resource template.</summary>
internal sealed partial class KernelMcpResource : McpServerResource
{
    private readonly LuminaFunction _function;
    private readonly KernelInvoker _invoker;
    private readonly Regex? _pattern;
    private readonly string[] _variables;
    private readonly ILuminaDescribedFunction? _described;

    public KernelMcpResource(LuminaFunction function, KernelInvoker invoker)
    {
        _function = function;
        _invoker = invoker;
        var declared = function.Resource!;
        _described = LuminaDescribed.Of(function.Function);
        ProtocolResourceTemplate = _described is not null
            ? Upstream(_described, declared.Uri)
            : new ResourceTemplate
            {
                Name = declared.Name ?? McpNames.For(function.PluginName, function.Function.Name),
                Title = declared.Title,
                UriTemplate = declared.Uri,
                Description = function.Description,
                MimeType = declared.MimeType,
            };
        (_pattern, _variables) = Compile(declared.Uri);
        Metadata = [function];
    }

    public override ResourceTemplate ProtocolResourceTemplate { get; }

    public override IReadOnlyList<object> Metadata { get; }

    public LuminaFunction Function => _function;

    /// <summary>The template's variable names.</summary>
    public IReadOnlyList<string> Variables => _variables;

    public override bool IsMatch(string uri) =>
        _pattern is null ? string.Equals(uri, ProtocolResourceTemplate.UriTemplate, StringComparison.Ordinal) : _pattern.IsMatch(uri);

    public override async ValueTask<ReadResourceResult> ReadAsync(RequestContext<ReadResourceRequestParams> request, CancellationToken cancellationToken = default)
    {
        var uri = request.Params?.Uri ?? ProtocolResourceTemplate.UriTemplate;
        var arguments = _described is null ? [] : new KernelArguments { [LuminaDescribed.UriArgument] = uri };
        if (_pattern?.Match(uri) is { Success: true } match)
        {
            foreach (var variable in _variables)
            {
                arguments[variable] = Uri.UnescapeDataString(match.Groups[variable].Value);
            }
        }

        var context = _invoker.CreateContext(request, request.Params?.ProgressToken, ProtocolResourceTemplate.Name);
        // Refused (and recorded as a refused resources/read) before the function runs; the kernel's filter checks again.
        var result = KernelInvoker.Result(context, await _invoker.Core.InvokeAsync(context, _function, LuminaAccess.ResourceRead, arguments, cancellationToken).ConfigureAwait(false));
        return result.GetValue<object>() is ReadResourceResult relayed
            ? relayed
            : new ReadResourceResult { Contents = McpContent.ResourceContents(result.GetValue<object>(), uri, ProtocolResourceTemplate.MimeType) };
    }

    /// <summary>An upstream server's resource or template, served as its server describes it, under <paramref name="uri"/>.</summary>
    private static ResourceTemplate Upstream(ILuminaDescribedFunction described, string uri)
    {
        var descriptor = described.Descriptor;
        if (descriptor.TryGetProperty("uriTemplate", out _))
        {
            var template = descriptor.Deserialize<ResourceTemplate>(McpJsonUtilities.DefaultOptions) ?? throw new InvalidOperationException("An empty resource template.");
            template.UriTemplate = uri;
            return template;
        }

        var resource = descriptor.Deserialize<Resource>(McpJsonUtilities.DefaultOptions) ?? throw new InvalidOperationException("An empty resource.");
        return new ResourceTemplate
        {
            Name = resource.Name,
            Title = resource.Title,
            UriTemplate = uri,
            Description = resource.Description,
            MimeType = resource.MimeType,
            Annotations = resource.Annotations,
            Icons = resource.Icons,
            Meta = resource.Meta,
        };
    }

    /// <summary>
    /// A matcher for an RFC 6570 template: <c>{name}</c> matches one path segment (and is bound to the function's
    /// parameter of that name); the other operators an upstream server may use match what they expand to
    /// (<c>{+path}</c> the rest of the URI, <c>{?a,b}</c> a query, <c>{/a}</c> path segments, <c>{#f}</c> a fragment).
    /// </summary>
    private static (Regex? Pattern, string[] Variables) Compile(string template)
    {
        if (!template.Contains('{', StringComparison.Ordinal))
        {
            return (null, []);
        }

        var variables = new List<string>();
        var pattern = new System.Text.StringBuilder("^");
        var at = 0;
        foreach (Match expression in Expression().Matches(template))
        {
            pattern.Append(Regex.Escape(template[at..expression.Index]));
            at = expression.Index + expression.Length;
            var names = expression.Groups["names"].Value;
            var single = Name().IsMatch(names) && !variables.Contains(names, StringComparer.Ordinal);
            pattern.Append(expression.Groups["operator"].Value switch
            {
                "" when single => $"(?<{Remember(names)}>[^/?#]+)",
                "" => "[^/?#]+",
                "+" when single => $"(?<{Remember(names)}>.+?)",
                "+" => ".+?",
                "#" => "(?:#.*)?",
                "/" => "(?:/[^/?#]*)*",
                "." => @"(?:\.[^/?#.]*)*",
                ";" => "(?:;[^/?#]*)*",
                _ => "(?:[?&][^#]*)?",
            });
        }

        pattern.Append(Regex.Escape(template[at..])).Append('$');
        return (new Regex(pattern.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)), [.. variables]);

        string Remember(string name)
        {
            variables.Add(name);
            return name;
        }
    }

    [GeneratedRegex(@"\{(?<operator>[+#./;?&]?)(?<names>[^}]*)}", RegexOptions.CultureInvariant)]
    private static partial Regex Expression();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Name();
}
