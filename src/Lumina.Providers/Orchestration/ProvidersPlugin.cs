using System.ComponentModel;
using Lumina.Abstractions;
using Lumina.Core.Auth;
using Lumina.Core.Plugins;
using Lumina.Providers.Budgets;
using Microsoft.SemanticKernel;

namespace Lumina.Providers.Orchestration;

/// <summary>The AI providers as the router sees them, served as the <c>providers</c> tool and the <c>lumina://providers</c> resource.</summary>
/// <remarks>The router is made at the first call, not with the plugin: its clients and resilience pipelines are no part of a start.</remarks>
[LuminaPlugin("providers", Description = "Shows the AI providers: capabilities, prices, health and usage.")]
public sealed class ProvidersPlugin(Lazy<ProviderRouter> routerWhenCalled, UsageMeter usage, ILuminaCallContextAccessor context, TimeProvider time, BudgetGuard? budgets = null)
{
    /// <summary>The resource's URI.</summary>
    public const string Uri = "lumina://providers";

    [KernelFunction("providers"), Description("Lists the AI providers with their capabilities, prices, health (circuit state, rate-limit cooldown, latency), usage and cost, and your budgets.")]
    [LuminaTool(Name = "providers", Title = "Providers", ReadOnly = true, Idempotent = true)]
    public Task<ProvidersReport> ProvidersAsync(CancellationToken cancellationToken = default) => ReportAsync(cancellationToken);

    [KernelFunction("status"), Description("The AI providers with their capabilities, prices, health, usage and cost.")]
    [LuminaResource(Uri, Name = "providers", Title = "AI providers", MimeType = "application/json")]
    public Task<ProvidersReport> StatusAsync(CancellationToken cancellationToken = default) => ReportAsync(cancellationToken);

    private async Task<ProvidersReport> ReportAsync(CancellationToken cancellationToken)
    {
        var router = routerWhenCalled.Value;
        var now = time.GetUtcNow();
        var caller = context.Current.Caller.Id;

        // The provider's words, even cut and with credentials removed, are for callers who may run calls; a read-only
        // caller (a guest) sees the last failure's class and status only.
        var errorText = LuminaRoles.Grants(context.Current.Caller.Role, LuminaPermission.Execute);
        var providers = router.Providers.Select(p => new ProviderStatus(
            p.Name,
            p.Options.Kind.ToLowerInvariant(),
            p.Options.Model,
            p.Options.Priority,
            p.Options.Weight,
            new ProviderCapabilities(p.Options.SupportsTools, p.Options.SupportsVision, p.Options.SupportsJson, p.Options.ContextWindow == 0 ? null : p.Options.ContextWindow),
            new ProviderPrices(p.Options.InputPricePerMillion, p.Options.OutputPricePerMillion),
            errorText ? p.Health.Snapshot(now) : p.Health.Snapshot(now).WithoutErrorText(),
            usage.ForProvider(p.Name))).ToList();
        var standing = budgets is null ? [] : await budgets.StatusAsync(caller, cancellationToken).ConfigureAwait(false);
        return new ProvidersReport(router.Strategy, providers, usage.ForCaller(caller), standing);
    }
}
