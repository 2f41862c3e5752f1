using System.Text.RegularExpressions;
using Lumina.Core.Auth;
using Lumina.Core.Plugins;
using Lumina.Core.Tools;
using Microsoft.SemanticKernel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>A native function marked <c>[LuminaResource]</c>, served as an MCP resource or resource template.</summary>
internal sealed class KernelMcpResource : McpServerResource
{
    private readonly LuminaFunction _function;
    private readonly KernelInvoker _invoker;
    private readonly Regex? _pattern;
    private readonly string[] _variables;

    public KernelMcpResource(LuminaFunction function, KernelInvoker invoker)
    {
        _function = function;
        _invoker = invoker;
        var declared = function.Resource!;
        ProtocolResourceTemplate = new ResourceTemplate
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
        var arguments = new KernelArguments();
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
        return new ReadResourceResult { Contents = McpContent.ResourceContents(result.GetValue<object>(), uri, ProtocolResourceTemplate.MimeType) };
    }

    /// <summary>A matcher for an RFC 6570 level-1 template: each <c>{name}</c> matches one path segment.</summary>
    private static (Regex? Pattern, string[] Variables) Compile(string template)
    {
        if (!template.Contains('{', StringComparison.Ordinal))
        {
            return (null, []);
        }

        var variables = new List<string>();
        var pattern = "^" + Regex.Replace(Regex.Escape(template).Replace(@"\{", "{", StringComparison.Ordinal), @"\{([A-Za-z0-9_]+)}", m =>
        {
            variables.Add(m.Groups[1].Value);
            return $"(?<{m.Groups[1].Value}>[^/?#]+)";
        }) + "$";
        return (new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)), [.. variables]);
    }
}
