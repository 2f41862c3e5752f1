using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Core.Budgets;
using Lumina.Core.Telemetry;
using Lumina.Providers;
using Lumina.Providers.Budgets;
using Lumina.Providers.Gemini;
using Lumina.Providers.Orchestration;
using Lumina.Providers.Sampling;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using OpenAI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the providers of <c>Lumina:Providers</c>, the budgets of <c>Lumina:Budgets</c> and the router in front of them.</summary>
public static class ProviderServiceCollectionExtensions
{
    public const string GeminiEndpoint = "https://generativelanguage.googleapis.com/v1beta/openai/";

    private static readonly string[] s_kinds = ["openai", "azure", "gemini", "anthropic", "ollama", "sampling"];

    /// <summary>
    /// Adds the providers of <c>Lumina:Providers</c> (or, with none, the MCP client's own model through sampling), the
    /// budgets of <c>Lumina:Budgets</c>, the router in front of them as the kernel's chat service, and the plugins that
    /// use them (<c>ask</c>, <c>providers</c>). Calling it again adds nothing twice.
    /// </summary>
    public static ILuminaBuilder AddProviders(this ILuminaBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(ProviderRouter)))
        {
            return builder;
        }

        var providers = configuration.GetSection("Lumina:Providers").GetChildren()
            .Select(child => (Name: child.Key, Options: Bind(child)))
            .ToList();
        var routing = configuration.GetSection(RoutingOptions.SectionName).Get<RoutingOptions>() ?? new RoutingOptions();
        var budgets = configuration.GetSection("Lumina:Budgets").GetChildren()
            .ToDictionary(child => child.Key, child => child.Get<BudgetOptions>() ?? new BudgetOptions(), StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var (name, options) in providers)
        {
            Validate(name, options, errors);
        }

        Validate(routing, errors);
        foreach (var (name, budget) in budgets)
        {
            Validate(name, budget, errors);
        }

        if (errors.Count > 0)
        {
            throw new LuminaStartupException(string.Join(" ", errors));
        }

        if (providers.Count == 0)
        {
            // Nothing configured: the MCP client's own model (sampling) answers, through the router all the same, so
            // usage and budgets count it too.
            // Tools reach the client's model when the client takes them (sampling.tools); SamplingChatClient drops them
            // for a client that does not.
            providers.Add(("sampling", new ProviderOptions { Kind = "sampling", SupportsTools = true }));
        }

        foreach (var (name, options) in providers)
        {
            services.AddSingleton(new LuminaProviderDescription(name, options.Kind.ToLowerInvariant(), options.Model));
            if (IsSampling(options))
            {
                continue;
            }

            switch (options.Kind.ToLowerInvariant())
            {
                case "anthropic":
                    services.AddKeyedSingleton<IChatClient>(name, (sp, _) => ProviderClients.CreateAnthropic(options, sp.GetRequiredService<TimeProvider>()));
                    continue;
                case "ollama":
                    services.AddKeyedSingleton<IChatClient>(name, (sp, _) => ProviderClients.CreateOllama(options, sp.GetRequiredService<TimeProvider>()));
                    continue;
                case "azure":
                    services.AddKeyedSingleton<IChatClient>(name, (_, _) => ProviderClients.CreateAzureOpenAI(options));
                    continue;
            }

            AddOpenAICompatible(services, name, options);
        }

        services.AddSingleton(routing);
        services.AddSingleton<UsageMeter>();
        if (budgets.Count > 0)
        {
            // Only with budgets: without, the budget store is never opened.
            services.AddSingleton(sp => new BudgetGuard(budgets, sp.GetRequiredService<IBudgetStore>(), sp.GetRequiredService<TimeProvider>()));
        }

        services.AddSingleton(sp => new ProviderRouter(
            providers.Select(p => new RoutedProvider(
                p.Name,
                IsSampling(p.Options) ? sp.GetRequiredService<SamplingChatClient>() : sp.GetRequiredKeyedService<IChatClient>(p.Name),
                p.Options,
                new ProviderHealth(routing, sp.GetRequiredService<TimeProvider>()))),
            routing,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ProviderRouter>>(),
            sp.GetRequiredService<LuminaTelemetry>()));
        services.AddSingleton(sp =>
        {
            var router = sp.GetRequiredService<ProviderRouter>();
            var pipeline = router.AsBuilder();
            if (budgets.Count > 0)
            {
                pipeline.UseBudgets();
            }

            return new RoutedChatClient(pipeline.UseUsage().Build(sp), router);
        });
        // The kernel's chat service: Semantic Kernel's function invocation over the routed pipeline, so a prompt
        // function with automatic function calling runs its tools through the kernel and each model turn is routed,
        // counted and charged on its own. A program that registered its own chat service before AddLumina keeps it.
        services.TryAddSingleton<IChatClient>(sp => sp.GetRequiredService<RoutedChatClient>()
            .AsBuilder()
            .UseKernelFunctionInvocation(sp.GetService<ILoggerFactory>())
            .Build(sp));
        services.TryAddSingleton<SamplingChatClient>();
        // The plugins take these: the router is made at the first call that needs it, not when the plugins are made at start.
        services.TryAddSingleton(sp => new Lazy<ProviderRouter>(sp.GetRequiredService<ProviderRouter>));
        services.TryAddSingleton(sp => new Lazy<RoutedChatClient>(sp.GetRequiredService<RoutedChatClient>));
        return builder.AddPlugin<OrchestrationPlugin>(source: "builtin")
            .AddPlugin<ProvidersPlugin>(source: "builtin");
    }

    // A sampling provider takes tools too: SamplingChatClient drops them for a client that does not declare sampling.tools.
    private static ProviderOptions Bind(IConfigurationSection section) => section.Get<ProviderOptions>() ?? new ProviderOptions();

    private static bool IsSampling(ProviderOptions options) => string.Equals(options.Kind, "sampling", StringComparison.OrdinalIgnoreCase);

    private static string Endpoint(ProviderOptions options) =>
        !string.IsNullOrWhiteSpace(options.Endpoint) ? options.Endpoint
        : string.Equals(options.Kind, "gemini", StringComparison.OrdinalIgnoreCase) ? GeminiEndpoint
        : "https://api.openai.com/v1";

    private static void Validate(string name, ProviderOptions options, List<string> errors)
    {
        var kind = options.Kind?.ToLowerInvariant();
        if (kind is null || !s_kinds.Contains(kind))
        {
            errors.Add($"Lumina:Providers:{name}:Kind must be one of {string.Join(", ", s_kinds)}, not '{options.Kind}'.");
            return;
        }

        if (kind == "anthropic" && string.IsNullOrWhiteSpace(options.ApiKey) && string.IsNullOrWhiteSpace(options.Endpoint))
        {
            errors.Add($"Lumina:Providers:{name}:ApiKey is required for Anthropic's API (set Lumina__Providers__{name}__ApiKey in the environment).");
        }

        if (kind != "sampling" && string.IsNullOrWhiteSpace(options.Model))
        {
            errors.Add(kind == "azure"
                ? $"Lumina:Providers:{name}:Model is required: for azure, the deployment's name."
                : $"Lumina:Providers:{name}:Model is required (e.g. gpt-4o-mini).");
        }

        if (kind == "azure")
        {
            ValidateAzure(name, options, errors);
        }

        if (!string.IsNullOrWhiteSpace(options.Endpoint) && !Uri.TryCreate(options.Endpoint, UriKind.Absolute, out _))
        {
            errors.Add($"Lumina:Providers:{name}:Endpoint ('{options.Endpoint}') is not an absolute URL.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"Lumina:Providers:{name}:Timeout must be positive.");
        }

        if (options.InputPricePerMillion < 0 || options.OutputPricePerMillion < 0)
        {
            errors.Add($"Lumina:Providers:{name}: prices cannot be negative.");
        }

        if (options.Weight < 0 || options.ContextWindow < 0)
        {
            errors.Add($"Lumina:Providers:{name}: Weight and ContextWindow cannot be negative.");
        }
    }

    private static void ValidateAzure(string name, ProviderOptions options, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(options.Endpoint))
        {
            errors.Add($"Lumina:Providers:{name}:Endpoint is required for azure: the resource's, https://<resource>.openai.azure.com.");
        }

        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            errors.Add($"Lumina:Providers:{name}:ApiKey is required for azure (set Lumina__Providers__{name}__ApiKey in the environment).");
        }

        if (!string.IsNullOrWhiteSpace(options.ApiVersion) && !ProviderClients.TryAzureApiVersion(options.ApiVersion, out _))
        {
            errors.Add($"Lumina:Providers:{name}:ApiVersion ('{options.ApiVersion}') is not one the Azure OpenAI SDK knows: {string.Join(", ", ProviderClients.AzureApiVersions)}.");
        }
    }

    private static void Validate(RoutingOptions routing, List<string> errors)
    {
        if (!RoutingOptions.Strategies.Contains(routing.Strategy.ToLowerInvariant()))
        {
            errors.Add($"Lumina:Routing:Strategy must be one of {string.Join(", ", RoutingOptions.Strategies)}, not '{routing.Strategy}'.");
        }

        if (routing.Retries.Any(r => r.Value < 0 || r.Value > 10))
        {
            errors.Add("Lumina:Routing:Retries must be between 0 and 10 per error class.");
        }

        foreach (var kind in routing.Retries.Where(r => r.Value > 0 && !ProviderFailure.IsTransient(r.Key)).Select(r => r.Key))
        {
            errors.Add($"Lumina:Routing:Retries:{kind} cannot be set: only ServerError, Timeout, BadResponse and Unreachable are retried in place.");
        }

        if (routing.BreakDuration < TimeSpan.Zero || routing.RetryDelay < TimeSpan.Zero || routing.MaxRetryDelay < TimeSpan.Zero || routing.LatencyWindow < 1)
        {
            errors.Add("Lumina:Routing: LatencyWindow must be at least 1, and durations cannot be negative.");
        }

        if (routing.FailureThreshold is < 2 or > 1000)
        {
            // Polly's circuit breaker decides on two calls at least (CircuitBreakerStrategyOptions.MinimumThroughput).
            errors.Add($"Lumina:Routing:FailureThreshold must be between 2 and 1000, not {routing.FailureThreshold}.");
        }

        if (routing.RetryDelay > TimeSpan.FromDays(1) || routing.MaxRetryDelay > TimeSpan.FromDays(1))
        {
            errors.Add("Lumina:Routing: RetryDelay and MaxRetryDelay must be at most a day.");
        }
    }

    private static void Validate(string name, BudgetOptions budget, List<string> errors)
    {
        if (budget.Limit <= 0)
        {
            errors.Add($"Lumina:Budgets:{name}:Limit must be positive.");
        }

        if (!BudgetOptions.Periods.Contains(budget.Period.ToLowerInvariant()))
        {
            errors.Add($"Lumina:Budgets:{name}:Period must be one of {string.Join(", ", BudgetOptions.Periods)}, not '{budget.Period}'.");
        }
    }

    /// <summary>
    /// One keyed chat client for an OpenAI-compatible provider, through the OpenAI adapter of Microsoft.Extensions.AI (the
    /// one Semantic Kernel's OpenAI connector builds on); for <c>gemini</c>, with the tool schemas rewritten into what
    /// Gemini accepts (<see cref="GeminiChatClient"/>). Deliberately without the connector's automatic function
    /// invocation: tool calls are run above the router, so each model turn is routed on its own and every tool call goes
    /// through the kernel filters. The SDK's own retries are off too: the router decides what a failure means.
    /// </summary>
    /// <remarks>A method of its own, never inlined, so the OpenAI SDK is loaded only by a host that configures such a provider.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddOpenAICompatible(IServiceCollection services, string name, ProviderOptions options)
    {
        var client = new OpenAIClient(
            new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "none" : options.ApiKey),
            new OpenAIClientOptions
            {
                Endpoint = new Uri(Endpoint(options)),
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                NetworkTimeout = options.Timeout,
            });
        var model = options.Model!;
        var gemini = string.Equals(options.Kind, "gemini", StringComparison.OrdinalIgnoreCase);
        services.AddKeyedSingleton<IChatClient>(name, (_, _) =>
        {
            var chat = client.GetChatClient(model).AsIChatClient();
            return gemini ? chat.AsBuilder().UseGeminiToolSchemas().Build() : chat;
        });
    }
}
