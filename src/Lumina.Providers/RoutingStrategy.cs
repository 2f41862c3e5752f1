namespace Lumina.Providers;

/// <summary>
/// Orders the providers that can take a request: the first is the strategy's pick, the rest follow in priority order as
/// fallbacks.
/// </summary>
internal sealed class RoutingStrategy(string name)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _currentWeights = new(StringComparer.Ordinal);

    public string Name { get; } = name.ToLowerInvariant();

    public List<RoutedProvider> Order(List<RoutedProvider> candidates, long estimatedInputTokens, long expectedOutputTokens)
    {
        // Candidates arrive in priority order; a stable sort keeps it among equals.
        switch (Name)
        {
            case "cheapest":
                return [.. candidates.OrderBy(p => UsageMeter.Cost(p.Options, estimatedInputTokens, expectedOutputTokens))];
            case "latency":
                // A provider with no measurement yet sorts first, so every provider gets measured.
                return [.. candidates.OrderBy(p => p.Health.AverageLatencyMs ?? 0)];
            case "round-robin":
                if (Pick(candidates) is { } picked)
                {
                    return [picked, .. candidates.Where(p => !ReferenceEquals(p, picked))];
                }

                return candidates;
            default:
                return candidates;
        }
    }

    /// <summary>Smooth weighted round-robin (as nginx does it): each pick adds every weight and takes the total from the winner.</summary>
    private RoutedProvider? Pick(List<RoutedProvider> candidates)
    {
        lock (_lock)
        {
            RoutedProvider? best = null;
            long total = 0;
            foreach (var provider in candidates)
            {
                var weight = Math.Max(0, provider.Options.Weight);
                total += weight;
                var current = _currentWeights.GetValueOrDefault(provider.Name) + weight;
                _currentWeights[provider.Name] = current;
                if (weight > 0 && (best is null || current > _currentWeights[best.Name]))
                {
                    best = provider;
                }
            }

            if (best is not null)
            {
                _currentWeights[best.Name] -= total;
            }

            return best;
        }
    }
}
