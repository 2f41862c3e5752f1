using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Core.Auth;
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
        ProtocolPrompt = new Prompt
        {
            Name = function.Prompt?.Name is { } declared ? McpNames.Declared(declared) : McpNames.For(function.PluginName, function.Function.Name),
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
        var name = ProtocolPrompt.Name;
        var context = _invoker.CreateContext(request, request.Params?.ProgressToken, name);
        var given = request.Params?.Arguments;
        try
        {
            await _invoker.AuthorizeAsync(context, _function, LuminaAccess.PromptGet, KernelInvoker.Asked(given), cancellationToken).ConfigureAwait(false);
        }
        catch (LuminaForbiddenException ex)
        {
            throw new McpProtocolException(ex.Message, McpErrorCode.InvalidRequest);
        }

        var arguments = new KernelArguments();
        foreach (var parameter in _function.Function.Metadata.Parameters)
        {
            if (given is not null && given.TryGetValue(parameter.Name, out var value))
            {
                arguments[parameter.Name] = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
            }
            else if (parameter.IsRequired)
            {
                throw new McpProtocolException($"The prompt '{name}' needs the argument '{parameter.Name}'.", McpErrorCode.InvalidParams);
            }
            else if (parameter.DefaultValue is { } defaultValue)
            {
                arguments[parameter.Name] = defaultValue;
            }
        }

        try
        {
            return await RenderOrInvokeAsync(context, arguments, cancellationToken).ConfigureAwait(false);
        }
        catch (LuminaForbiddenException ex)
        {
            // The same words a refused tool call gets, as a protocol error (prompts have no error result).
            throw new McpProtocolException(ex.Message, McpErrorCode.InvalidRequest);
        }
    }

    private async ValueTask<GetPromptResult> RenderOrInvokeAsync(ILuminaCallContext context, KernelArguments arguments, CancellationToken cancellationToken)
    {
        if (_function.Template is { } template)
        {
            var text = await _invoker.RenderAsync(context, template, arguments, cancellationToken).ConfigureAwait(false);
            return new GetPromptResult
            {
                Description = ProtocolPrompt.Description,
                Messages = [new PromptMessage { Role = Role.User, Content = new TextContentBlock { Text = text } }],
            };
        }

        var result = await _invoker.InvokeAsync(context, _function, arguments, cancellationToken).ConfigureAwait(false);
        return new GetPromptResult { Description = ProtocolPrompt.Description, Messages = McpContent.PromptMessages(result.GetValue<object>()) };
    }
}
