using Lumina.Abstractions;
using Microsoft.Extensions.AI;

namespace Lumina.Providers;

// Which providers can take a request, in the order the strategy and the hints give.
public sealed partial class ProviderRouter
{
    /// <summary>What the request needs from a provider.</summary>
    private static RouteRequest Analyze(IList<ChatMessage> history, ChatOptions? options)
    {
        var needsVision = history.Any(m => m.Contents.Any(c =>
            c is DataContent data && data.HasTopLevelMediaType("image") || c is UriContent uri && uri.HasTopLevelMediaType("image")));
        var hint = options?.AdditionalProperties?.TryGetValue(RoutingHints.Provider, out var value) == true ? value?.ToString() : null;
        var only = options?.AdditionalProperties?.TryGetValue(RoutingHints.Only, out var strict) == true && strict is true or "true";
        return new(
            NeedsTools: options?.Tools is { Count: > 0 } && options.ToolMode is not NoneChatToolMode,
            NeedsVision: needsVision,
            NeedsJson: options?.ResponseFormat is ChatResponseFormatJson,
            InputTokens: UsageMeter.EstimateTokens(history, options),
            OutputTokens: options?.MaxOutputTokens ?? 500,
            Hint: string.IsNullOrWhiteSpace(hint) ? null : hint,
            Only: only);
    }

    /// <summary>The providers able to take the request, in the strategy's order; throws saying why when there are none.</summary>
    private List<RoutedProvider> Candidates(RouteRequest request)
    {
        var reasons = new List<string>();
        var able = new List<RoutedProvider>();
        foreach (var provider in _providers)
        {
            var missing =
                request.NeedsTools && !provider.Options.SupportsTools ? "cannot call tools (SupportsTools)"
                : request.NeedsVision && !provider.Options.SupportsVision ? "cannot read images (SupportsVision)"
                : request.NeedsJson && !provider.Options.SupportsJson ? "cannot answer in JSON (SupportsJson)"
                : provider.Options.ContextWindow > 0 && request.InputTokens + request.OutputTokens > provider.Options.ContextWindow
                    ? $"its context window of {provider.Options.ContextWindow} tokens is smaller than the request (~{request.InputTokens + request.OutputTokens})"
                : null;
            if (missing is null)
            {
                able.Add(provider);
            }
            else
            {
                reasons.Add($"{provider.Name} {missing}");
            }
        }

        if (able.Count == 0)
        {
            throw new ProviderUnavailableException($"No configured provider can take this request: {string.Join("; ", reasons)}.");
        }

        var ordered = _strategy.Order(able, request.InputTokens, request.OutputTokens);
        if (request.Hint is not { } hint)
        {
            return ordered;
        }

        var hinted = ordered.Where(p => Matches(p, hint)).ToList();
        if (hinted.Count == 0)
        {
            var known = _providers.Any(p => Matches(p, hint));
            throw new LuminaException(known
                ? $"The provider '{hint}' cannot take this request: {string.Join("; ", reasons)}."
                : $"No provider is named '{hint}' or serves that model. Configured: {string.Join(", ", _providers.Select(p => $"{p.Name} ({p.Options.Model ?? p.Options.Kind})"))}.");
        }

        return request.Only ? hinted : [.. hinted, .. ordered.Where(p => !hinted.Contains(p))];
    }

    private static bool Matches(RoutedProvider provider, string hint) =>
        string.Equals(provider.Name, hint, StringComparison.OrdinalIgnoreCase) || string.Equals(provider.Options.Model, hint, StringComparison.OrdinalIgnoreCase);
}
