using System.Diagnostics;
using Lumina.Abstractions;
using Lumina.Core.Invocation;
using Lumina.Core.Plugins;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Telemetry;

/// <summary>
/// The outermost kernel filter: one <c>lumina.function</c> span per invocation, whoever the caller, with the caller,
/// the transport and the outcome, and the call, duration and error metrics.
/// </summary>
internal sealed class TelemetryFilter(LuminaTelemetry telemetry, ILuminaCallContextAccessor context, TimeProvider time) : IFunctionInvocationFilter
{
    public async Task OnFunctionInvocationAsync(FunctionInvocationContext invocation, Func<FunctionInvocationContext, Task> next)
    {
        var names = FunctionNames.Of(invocation.Function);
        var function = names.Served;
        using var activity = LuminaTelemetry.Source.StartActivity(names.Span);
        var caller = context.Current.Caller;
        activity?.SetTag("lumina.function", function);
        activity?.SetTag("lumina.caller.id", caller.Id);
        activity?.SetTag("lumina.caller.role", caller.Role);
        activity?.SetTag("lumina.transport", caller.Transport.ToString());
        var started = time.GetTimestamp();
        var outcome = "ok";
        try
        {
            await next(invocation).ConfigureAwait(false);
        }
        catch (LuminaInputRequiredException)
        {
            // Not an error: the call asked its client something and will run again with the answer.
            outcome = "input_required";
            throw;
        }
        catch (Exception ex)
        {
            outcome = Outcome(ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity?.SetTag("error.type", outcome);
            telemetry.FunctionErrors.Add(1, new("lumina.function", function), new("error.type", outcome));
            throw;
        }
        finally
        {
            activity?.SetTag("lumina.outcome", outcome);
            telemetry.FunctionCalls.Add(1, new("lumina.function", function), new("lumina.outcome", outcome));
            telemetry.FunctionDuration.Record(time.GetElapsedTime(started).TotalSeconds, new("lumina.function", function), new("lumina.outcome", outcome));
        }
    }

    /// <summary>A short, bounded outcome name (metric tags must not carry free text), by type and refusal kind.</summary>
    internal static string Outcome(Exception exception) => exception switch
    {
        OperationCanceledException => "cancelled",
        _ when Refusals.KindOf(exception) is { } kind => Refusals.IsDenial(kind) ? "denied" : "refused",
        _ => "error",
    };
}

/// <summary>Wraps one of Lumina's filters in a <c>lumina.filter</c> span, so a trace shows what each filter cost.</summary>
internal sealed class TracedFunctionFilter(string name, IFunctionInvocationFilter inner) : IFunctionInvocationFilter
{
    private readonly string _spanName = $"lumina.filter {name}";

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        using var activity = LuminaTelemetry.Source.StartActivity(_spanName);
        activity?.SetTag("lumina.filter", name);
        await inner.OnFunctionInvocationAsync(context, next).ConfigureAwait(false);
    }
}
