using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lumina.Federation;

/// <summary>Readiness of the upstream servers: degraded (not down) while one of them is failing, the host serving the rest.</summary>
internal sealed class UpstreamHealthCheck(FederationService federation) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = federation.Statuses.Where(s => s.State is UpstreamState.Failed or UpstreamState.Restarting).ToList();
        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy($"{federation.Statuses.Count} upstream servers")
            : HealthCheckResult.Degraded($"Upstream servers failing: {string.Join("; ", failing.Select(s => $"{s.Name}: {s.LastError}"))}. The host serves everything else."));
    }
}
