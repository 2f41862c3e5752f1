using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Lumina.Core.Telemetry;

/// <summary>
/// Lumina's one instrumentation object: the <see cref="ActivitySource"/> and <see cref="Meter"/> named
/// <c>Lumina</c> and every instrument, so names and units are defined in one place.
/// </summary>
/// <remarks>
/// Spans: <c>lumina.function</c> (a kernel function, with the caller and outcome), <c>lumina.filter</c> (each
/// filter's own part), <c>lumina.chat</c> (a routed model call) with one <c>lumina.provider.attempt</c> per
/// attempt, and <c>lumina.store</c> (a store operation). The MCP SDK's request span is their parent, and a client's
/// <c>_meta.traceparent</c> theirs.
/// </remarks>
public sealed class LuminaTelemetry : IDisposable
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "Lumina";

    private readonly Meter _meter;

    public LuminaTelemetry(IMeterFactory? meters = null)
    {
        _meter = meters?.Create(Name, LuminaVersion.Value) ?? new Meter(Name, LuminaVersion.Value);
        FunctionCalls = _meter.CreateCounter<long>("lumina.function.calls", "{call}", "Kernel function invocations, by function and outcome.");
        FunctionDuration = _meter.CreateHistogram<double>("lumina.function.duration", "s", "How long kernel function invocations take.");
        FunctionErrors = _meter.CreateCounter<long>("lumina.function.errors", "{error}", "Failed kernel function invocations, by error kind.");
        ProviderCalls = _meter.CreateCounter<long>("lumina.provider.calls", "{call}", "Attempts made on providers, by provider and outcome.");
        ProviderDuration = _meter.CreateHistogram<double>("lumina.provider.duration", "s", "How long provider attempts take.");
        Tokens = _meter.CreateCounter<long>("lumina.provider.tokens", "{token}", "Tokens used, by provider and direction (input, output).");
        Cost = _meter.CreateCounter<double>("lumina.provider.cost", "{currency}", "Cost at the providers' prices, by provider.");
        Fallbacks = _meter.CreateCounter<long>("lumina.provider.fallbacks", "{fallback}", "Times the router moved past a provider, by provider and error class.");
        AuthorizationDenials = _meter.CreateCounter<long>("lumina.authorization.denials", "{denial}", "Calls refused by the authorization filter.");
        PolicyRefusals = _meter.CreateCounter<long>("lumina.policy.refusals", "{refusal}", "Calls refused by the policy guard, by reason (rate_limited, argument_too_large, declined, cannot_confirm).");
        PolicyOversizeResults = _meter.CreateCounter<long>("lumina.policy.oversize_results", "{result}", "Results over the size cap, by what was done (truncate, resource).");
        StoreDuration = _meter.CreateHistogram<double>("lumina.store.duration", "s", "How long store operations take, by store and operation.");
    }

    /// <summary>Where Lumina's spans come from.</summary>
    public static ActivitySource Source { get; } = new(Name, LuminaVersion.Value);

    public Counter<long> FunctionCalls { get; }

    public Histogram<double> FunctionDuration { get; }

    public Counter<long> FunctionErrors { get; }

    public Counter<long> ProviderCalls { get; }

    public Histogram<double> ProviderDuration { get; }

    public Counter<long> Tokens { get; }

    public Counter<double> Cost { get; }

    public Counter<long> Fallbacks { get; }

    public Counter<long> AuthorizationDenials { get; }

    public Counter<long> PolicyRefusals { get; }

    public Counter<long> PolicyOversizeResults { get; }

    public Histogram<double> StoreDuration { get; }

    /// <summary>Reports each provider's circuit state (0 closed, 1 half-open, 2 open) as an observable gauge.</summary>
    public void ObserveCircuits(Func<IEnumerable<Measurement<int>>> observe) =>
        _meter.CreateObservableGauge("lumina.provider.circuit_state", observe, "{state}", "Each provider's circuit: 0 closed, 1 half-open, 2 open.");

    /// <summary>Reports how many audit records wait for the background writer (buffered durability) as an observable gauge.</summary>
    public void ObserveAuditPending(Func<long> observe) =>
        _meter.CreateObservableGauge("lumina.audit.pending", observe, "{record}", "Audit records queued for the ledger and not yet committed.");

    public void Dispose() => _meter.Dispose();
}
