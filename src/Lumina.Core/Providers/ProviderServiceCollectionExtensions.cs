using System.ClientModel;
using System.ClientModel.Primitives;
using Lumina.Abstractions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI;

namespace Lumina.Core.Providers;

/// <summary>Registers the providers of <c>Lumina:Providers</c> and the router in front of them.</summary>
internal static class ProviderServiceCollectionExtensions
{
    public const string GeminiEndpoint = "https://generativelanguage.googleapis.com/v1beta/openai/";

    public static void AddLuminaProviders(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Lumina:Providers");
        var providers = section.GetChildren()
            .Select(child => (Name: child.Key, Options: child.Get<ProviderOptions>() ?? new ProviderOptions()))
            .ToList();
        var errors = new List<string>();
        foreach (var (name, options) in providers)
        {
            Validate(name, options, errors);
        }

        if (errors.Count > 0)
        {
            throw new LuminaStartupException(string.Join(" ", errors));
        }

        var remote = providers.Where(p => !IsSampling(p.Options)).ToList();
        if (remote.Count == 0)
        {
            // Nothing configured: the MCP client's own model (sampling) stays the chat service.
            services.AddSingleton(new LuminaProviderDescription("sampling", "sampling", null));
            return;
        }

        foreach (var (name, _) in providers.Where(p => IsSampling(p.Options)))
        {
            services.AddSingleton(new LuminaProviderDescription(name, "sampling", null));
        }

        foreach (var (name, options) in remote)
        {
            // Semantic Kernel's OpenAI connector, one keyed chat client per provider. The router does the retrying, so
            // the SDK's own retries are off: a failing provider costs one attempt before the next one is tried.
            var client = new OpenAIClient(
                new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "none" : options.ApiKey),
                new OpenAIClientOptions
                {
                    Endpoint = new Uri(Endpoint(options)),
                    RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                    NetworkTimeout = options.Timeout,
                });
            services.AddOpenAIChatClient(options.Model!, client, serviceId: name);
            services.AddSingleton(new LuminaProviderDescription(name, options.Kind, options.Model));
        }

        services.AddSingleton<IChatClient>(sp => new ProviderRouter(
            providers.Select(p => new RoutedProvider(
                p.Name,
                IsSampling(p.Options) ? sp.GetRequiredService<SamplingChatClient>() : sp.GetRequiredKeyedService<IChatClient>(p.Name),
                p.Options)),
            sp.GetRequiredService<ILogger<ProviderRouter>>()));
    }

    private static bool IsSampling(ProviderOptions options) => string.Equals(options.Kind, "sampling", StringComparison.OrdinalIgnoreCase);

    private static string Endpoint(ProviderOptions options) =>
        !string.IsNullOrWhiteSpace(options.Endpoint) ? options.Endpoint
        : string.Equals(options.Kind, "gemini", StringComparison.OrdinalIgnoreCase) ? GeminiEndpoint
        : "https://api.openai.com/v1";

    private static void Validate(string name, ProviderOptions options, List<string> errors)
    {
        var kind = options.Kind?.ToLowerInvariant();
        if (kind is not ("openai" or "gemini" or "sampling"))
        {
            errors.Add($"Lumina:Providers:{name}:Kind must be openai, gemini or sampling, not '{options.Kind}'.");
            return;
        }

        if (kind != "sampling" && string.IsNullOrWhiteSpace(options.Model))
        {
            errors.Add($"Lumina:Providers:{name}:Model is required (e.g. gpt-4o-mini).");
        }

        if (!string.IsNullOrWhiteSpace(options.Endpoint) && !Uri.TryCreate(options.Endpoint, UriKind.Absolute, out _))
        {
            errors.Add($"Lumina:Providers:{name}:Endpoint ('{options.Endpoint}') is not an absolute URL.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"Lumina:Providers:{name}:Timeout must be positive.");
        }
    }
}
