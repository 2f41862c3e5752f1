using System.Runtime.CompilerServices;
using Lumina.Core;
using Lumina.Core.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Lumina.Host;

/// <summary>OpenTelemetry for the host: Lumina's source and meter with the MCP SDK's, Semantic Kernel's and ASP.NET Core's.</summary>
internal static class LuminaOpenTelemetry
{
    /// <summary>The sources whose spans are exported: Lumina's, the MCP SDK's, Semantic Kernel's and Microsoft.Extensions.AI's.</summary>
    public static readonly string[] Sources = [LuminaTelemetry.Name, "Experimental.ModelContextProtocol", "Microsoft.SemanticKernel*", "Experimental.Microsoft.Extensions.AI"];

    /// <summary>The meters whose measurements are exported.</summary>
    public static readonly string[] Meters = [LuminaTelemetry.Name, "Experimental.ModelContextProtocol", "Microsoft.SemanticKernel*", "Experimental.Microsoft.Extensions.AI"];

    /// <summary>
    /// Exports over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard <c>OTEL_*</c> variables
    /// configure the rest); otherwise registers nothing, so an unobserved host pays nothing. Never writes to stdout,
    /// which is the MCP channel in stdio mode.
    /// </summary>
    public static void AddLuminaOpenTelemetry(this IServiceCollection services, IConfiguration configuration, bool http)
    {
        if (string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return;
        }

        AddExport(services, http);
    }

    /// <remarks>
    /// A method of its own, never inlined: compiling it loads the OpenTelemetry SDK and the OTLP exporter (six
    /// assemblies), which a host that exports nothing should not pay for at start.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddExport(IServiceCollection services, bool http)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("lumina", serviceVersion: LuminaVersion.Value))
            .WithTracing(tracing =>
            {
                tracing.AddSource(Sources);
                if (http)
                {
                    tracing.AddAspNetCoreInstrumentation();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters);
                if (http)
                {
                    metrics.AddAspNetCoreInstrumentation();
                }
            })
            .UseOtlpExporter();
    }
}
