using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Auth;
using Lumina.Core.Invocation;
using Lumina.Core.Plugins;
using Lumina.Core.Tools;
using Microsoft.SemanticKernel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>A prompt template, or a native function marked <c>[LuminaPrompt]</c>, served as an MCP prompt.</summary>
internal sealed class KernelMcpPrompt : McpServerPrompt
{
    private readonly LuminaFunction _function;
    private readonly KernelInvoker _invoker;

    public KernelMcpPrompt(LuminaFunction function, KernelInvoker invoker)
    {
        _function = function;
        _invoker = invoker;
        if (LuminaDescribed.Of(function.Function) is { } described)
        {
            // An upstream server's prompt: served exactly as its server describes it, under its served name.
            var prompt = described.Descriptor.Deserialize<Prompt>(McpJsonUtilities.DefaultOptions)
                ?? throw new InvalidOperationException($"The descriptor of {function} is empty.");
            prompt.Name = McpNames.Declared(FunctionNames.Served(function.Function));
            ProtocolPrompt = prompt;
            Metadata = [function];
            return;
        }

        ProtocolPrompt = new Prompt
        {
            Name = McpNames.Declared(FunctionNames.Served(function.Function)),
            Title = function.Prompt?.Title,
            Description = function.Description,
            Arguments = [.. function.Function.Metadata.Parameters.Select(p => new PromptArgument
            {
                Name = p.Name,
                Description = string.IsNullOrWhiteSpace(p.Description) ? p.Name : p.Description,
                Required = p.IsRequired,
            })],
        };
        Metadata = [function];
    }

    public override Prompt ProtocolPrompt { get; }

    public override IReadOnlyList<object> Metadata { get; }

    public LuminaFunction Function => _function;

    public override async ValueTask<GetPromptResult> GetAsync(RequestContext<GetPromptRequestParams> request, CancellationToken cancellationToken = default)
    {
        var context = _invoker.CreateContext(request, request.Params?.ProgressToken, ProtocolPrompt.Name);
        var given = request.Params?.Arguments;
        var asked = LuminaInvoker.Asked(given);
        if (_function.Template is not null)
        {
            var rendered = KernelInvoker.Result(context, await _invoker.Core.RenderAsync(context, _function, asked, () => Bind(given), cancellationToken).ConfigureAwait(false));
            return new GetPromptResult
            {
                Description = ProtocolPrompt.Description,
                Messages = [new PromptMessage { Role = Role.User, Content = new TextContentBlock { Text = rendered.ToString() } }],
            };
        }

        var result = KernelInvoker.Result(context, await _invoker.Core.InvokeAsync(context, _function, LuminaAccess.PromptGet, asked, () => Bind(given), cancellationToken).ConfigureAwait(false));
        if (result.GetValue<object>() is GetPromptResult relayed)
        {
            // An upstream server's answer, as it sent it.
            return relayed;
        }

        return new GetPromptResult { Description = ProtocolPrompt.Description, Messages = McpContent.PromptMessages(result.GetValue<object>()) };
    }

    /// <summary>The prompt's arguments, as text (prompt arguments are strings), with the defaults of those not given.</summary>
    /// <exception cref="LuminaRefusalException">A required argument is missing (<see cref="LuminaRefusalKind.InvalidArgument"/>).</exception>
    private KernelArguments Bind(IDictionary<string, JsonElement>? given)
    {
        var arguments = new KernelArguments();
        foreach (var parameter in _function.Function.Metadata.Parameters)
        {
            if (given is not null && given.TryGetValue(parameter.Name, out var value))
            {
                arguments[parameter.Name] = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
            }
            else if (parameter.IsRequired)
            {
                throw new LuminaRefusalException(LuminaRefusalKind.InvalidArgument, $"The prompt '{ProtocolPrompt.Name}' needs the argument '{parameter.Name}'.");
            }
            else if (parameter.DefaultValue is { } defaultValue)
            {
                arguments[parameter.Name] = defaultValue;
            }
        }

        return arguments;
    }
}
