using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.SemanticKernel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Lumina.Federation;

/// <summary>
/// A prompt of an upstream MCP server, served as the prompt <c>&lt;server&gt;_&lt;prompt&gt;</c>: a get goes to the
/// server with the client's arguments and the server's messages come back unchanged; completions of its arguments
/// are the server's.
/// </summary>
internal sealed class UpstreamPrompt : UpstreamFunction, ILuminaDescribedFunction
{
    private readonly UpstreamServer _server;

    private UpstreamPrompt(UpstreamServer server, Prompt prompt)
        : base(
            JsonSerializer.SerializeToElement(prompt, McpJsonUtilities.DefaultOptions),
            $"prompt_{UpstreamNames.Function(prompt.Name)}",
            new LuminaToolAttribute { Name = server.ServedName(prompt.Name), Title = prompt.Title, ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false },
            server.Options.Permission ?? LuminaPermission.Read)
    {
        _server = server;
        UpstreamName = prompt.Name;
        Prompt = new LuminaPromptAttribute { Name = Tool.Name, Title = prompt.Title };
    }

    /// <summary>The prompt's name on its server.</summary>
    public string UpstreamName { get; }

    public LuminaPromptAttribute Prompt { get; }

    public ValueTask<IReadOnlyList<string>?> CompleteAsync(string argument, string value, IReadOnlyDictionary<string, string>? arguments, CancellationToken cancellationToken) =>
        _server.CompleteAsync(new PromptReference { Name = UpstreamName }, argument, value, arguments, cancellationToken);

    /// <summary>The kernel function of <paramref name="prompt"/>, and its description.</summary>
    public static (KernelFunction Function, UpstreamPrompt Described) Create(UpstreamServer server, Prompt prompt)
    {
        var described = new UpstreamPrompt(server, prompt);
        var function = described.CreateFunction(
            prompt.Description ?? prompt.Title ?? prompt.Name,
            (prompt.Arguments ?? []).Select(a => new KernelParameterMetadata(a.Name, McpJsonUtilities.DefaultOptions)
            {
                Description = a.Description,
                IsRequired = a.Required == true,
                ParameterType = typeof(string),
            }),
            "The server's messages, as it sent them.",
            (arguments, context, cancellationToken) => server.GetPromptAsync(
                described.UpstreamName,
                arguments.Where(a => a.Value is not null).ToDictionary(a => a.Key, a => (object?)(a.Value is JsonElement { ValueKind: JsonValueKind.String } text ? text.GetString() : a.Value!.ToString()), StringComparer.Ordinal),
                context,
                cancellationToken));
        return (function, described);
    }
}
