using Lumina.Abstractions;
using Lumina.Core.Auth;
using Lumina.Core.Invocation;
using Lumina.Core.Plugins;
using Lumina.Core.Tools;
using Lumina.Mcp;
using Lumina.Mcp.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Serves the Lumina kernel from an MCP server.</summary>
public static class LuminaMcpServerBuilderExtensions
{
    /// <summary>The most completion values one answer carries (the MCP limit).</summary>
    private const int MaxCompletionValues = 100;

    /// <summary>
    /// Serves the kernel added by <c>AddLumina</c>: its functions as tools, prompt templates as prompts (and tools),
    /// resource functions as resources and templates, with argument completion, resource subscriptions and
    /// list-changed notifications when plugins come and go.
    /// </summary>
    public static IMcpServerBuilder WithLumina(this IMcpServerBuilder builder, Action<LuminaMcpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        // Lumina:Mcp from the host's configuration, when the container has one (a .NET program may register none).
        var options = services.AddOptions<LuminaMcpOptions>()
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(LuminaMcpOptions.SectionName).Bind(o))
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LuminaMcpOptions>, LuminaMcpOptionsValidator>());

        services.TryAddSingleton<ILuminaCallerResolver, DefaultCallerResolver>();
        services.TryAddSingleton<KernelInvoker>();
        services.TryAddSingleton(sp =>
        {
            // Lumina:Mcp:RequestStateKey, else derived from the token signing key, so hosts that share one share both.
            var secret = sp.GetRequiredService<IOptions<LuminaMcpOptions>>().Value.RequestStateKey
                ?? sp.GetService<IConfiguration>()?["Lumina:Auth:SigningKey"];
            return new RequestStateProtector(RequestStateProtector.KeyFor(secret), sp.GetService<TimeProvider>() ?? TimeProvider.System);
        });
        services.TryAddSingleton<LuminaMcpCatalog>();
        services.TryAddSingleton(sp => new LuminaCatalogView(
            sp.GetRequiredService<LuminaMcpCatalog>(), sp.GetRequiredService<LuminaPluginRegistry>(), sp.GetRequiredService<ILuminaAuthorizer>(), sp.GetRequiredService<LuminaInvoker>(), sp.GetServices<ILuminaPluginSource>()));
        services.TryAddSingleton<ResourceSubscriptions>();
        if (!services.Any(d => d.ServiceType == typeof(LuminaTaskRunner)))
        {
            services.AddSingleton<LuminaTaskRunner>();
            services.AddHostedService(sp => sp.GetRequiredService<LuminaTaskRunner>());
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<McpServerOptions>, LuminaMcpServerOptionsSetup>());

        return builder
            // Outermost first: a tool set renames what authorization let through, and maps a renamed call back before it.
            .WithRequestFilters(CatalogModes.Add)
            .WithRequestFilters(ToolSetPresentation.Add)
            .WithRequestFilters(AuthorizedLists.Add)
            .WithRequestFilters(filters => filters.AddReadResourceFilter(next => async (request, cancellationToken) =>
            {
                try
                {
                    return await next(request, cancellationToken).ConfigureAwait(false);
                }
                catch (ModelContextProtocol.McpProtocolException ex) when (
                    ex.ErrorCode is ModelContextProtocol.McpErrorCode.InvalidParams or ModelContextProtocol.McpErrorCode.ResourceNotFound
                    && request.Params?.Uri is { } uri
                    && !ex.Data.Contains("uri"))
                {
                    // SEP-2164: the error of an unreadable resource names the URI it was asked for.
                    ex.Data["uri"] = uri;
                    throw;
                }
            }))
            .WithCompleteHandler(CompleteAsync)
            .WithSubscribeToResourcesHandler(async (request, cancellationToken) =>
            {
                var uri = Uri(request, request.Params?.Uri);
                if (request.Server.SessionId is null && Options(request).Transport == LuminaTransport.Http)
                {
                    // A stateless request has no session to notify later: every such client would share one entry.
                    throw new ModelContextProtocol.McpProtocolException(
                        "resources/subscribe needs a session: start with initialize (protocol 2025-11-25) and send its Mcp-Session-Id.",
                        ModelContextProtocol.McpErrorCode.InvalidRequest);
                }

                var (caller, resource) = await AuthorizedLists.DemandSubscriptionAsync(request, uri, cancellationToken).ConfigureAwait(false);
                Subscriptions(request).Subscribe(request.Server, uri, caller.Id);
                if (LuminaDescribed.Of(resource.Function) is { } described)
                {
                    // An upstream server's resource: that server is asked for its updates too.
                    await described.SubscribedAsync(uri, cancellationToken).ConfigureAwait(false);
                }
                return new EmptyResult();
            })
            .WithUnsubscribeFromResourcesHandler((request, _) =>
            {
                Subscriptions(request).Unsubscribe(request.Server, Uri(request, request.Params?.Uri));
                return ValueTask.FromResult(new EmptyResult());
            });
    }

    /// <summary>
    /// Serves MCP over stdin/stdout like the SDK's stdio transport, but answers malformed, invalid and oversize
    /// messages with JSON-RPC errors instead of skipping them silently.
    /// </summary>
    /// <param name="maxMessageBytes">The largest message accepted on stdin.</param>
    public static IMcpServerBuilder WithLuminaStdioTransport(this IMcpServerBuilder builder, long maxMessageBytes = 4 * 1024 * 1024, Stream? input = null, Stream? output = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 1024);
        // The guard's flush runs the transport's read inline instead of scheduling it on the thread pool: one thread
        // hop fewer per message (measured on the stdio call path). The transport only queues what it reads.
        var pipe = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(
            readerScheduler: System.IO.Pipelines.PipeScheduler.Inline,
            useSynchronizationContext: false));
        builder.WithStreamServerTransport(pipe.Reader.AsStream(), output ?? new SynchronousConsoleStream(Console.OpenStandardOutput()));
        builder.Services.AddHostedService(sp => new StdioMessageGuard(
            input ?? new SynchronousConsoleStream(Console.OpenStandardInput()),
            pipe.Writer,
            sp.GetRequiredService<ModelContextProtocol.Protocol.ITransport>(),
            maxMessageBytes,
            sp.GetService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<StdioMessageGuard>>()));
        return builder;
    }

    private static ResourceSubscriptions Subscriptions<T>(RequestContext<T> request) =>
        (request.Services ?? throw new InvalidOperationException("The MCP server has no services.")).GetRequiredService<ResourceSubscriptions>();

    private static LuminaMcpOptions Options<T>(RequestContext<T> request) =>
        (request.Services ?? throw new InvalidOperationException("The MCP server has no services.")).GetRequiredService<IOptions<LuminaMcpOptions>>().Value;

    /// <summary>The request's resource URI, refused when missing or longer than <see cref="LuminaMcpOptions.MaxResourceUriLength"/> (before anything looks at it).</summary>
    private static string Uri<T>(RequestContext<T> request, string? uri)
    {
        if (string.IsNullOrWhiteSpace(uri))
        {
            throw new ModelContextProtocol.McpProtocolException("A resource URI is required.", ModelContextProtocol.McpErrorCode.InvalidParams);
        }

        var max = Options(request).MaxResourceUriLength;
        return uri.Length <= max
            ? uri
            : throw new ModelContextProtocol.McpProtocolException(
                $"The resource URI is {uri.Length} characters long; at most {max} are accepted (Lumina:Mcp:MaxResourceUriLength).",
                ModelContextProtocol.McpErrorCode.InvalidParams);
    }

    private static async ValueTask<CompleteResult> CompleteAsync(RequestContext<CompleteRequestParams> request, CancellationToken cancellationToken)
    {
        var catalog = (request.Services ?? throw new InvalidOperationException("The MCP server has no services.")).GetRequiredService<LuminaMcpCatalog>();
        var parameters = request.Params;
        if (parameters is null)
        {
            return new CompleteResult();
        }

        var function = parameters.Ref switch
        {
            PromptReference prompt => catalog.FindPrompt(prompt.Name)?.Function,
            ResourceTemplateReference resource when resource.Uri is not null => catalog.FindResource(resource.Uri)?.Function,
            _ => null,
        };
        if (function is null || !await AuthorizedLists.TryDemandCompletionAsync(request, function, parameters.Argument.Name, cancellationToken).ConfigureAwait(false))
        {
            // Nothing is offered for what the caller may not use (nor told whether it exists); the refusal is audited.
            return new CompleteResult();
        }

        var typed = parameters.Argument.Value ?? string.Empty;
        var matches = LuminaDescribed.Of(function.Function) is { } described
            && await described.CompleteAsync(parameters.Argument.Name, typed, parameters.Context?.Arguments?.AsReadOnly(), cancellationToken).ConfigureAwait(false) is { } offered
            ? [.. offered]
            : KernelSchemas.Values(function, parameters.Argument.Name)
                .Where(v => v.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .ToList();
        return new CompleteResult
        {
            Completion = new Completion
            {
                Values = [.. matches.Take(MaxCompletionValues)],
                Total = matches.Count,
                HasMore = matches.Count > MaxCompletionValues,
            },
        };
    }
}
