using BenchmarkDotNet.Attributes;
using Lumina.Bench.EchoPlugin;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Lumina.Benchmarks;

/// <summary>
/// The kernel part of a tool call, in process: Semantic Kernel's own <c>Kernel.InvokeAsync</c> with no filters
/// (baseline), then Lumina's kernel with its filters (telemetry, authorization, policy, memory; the audit ledger off).
/// What separates the rows is what Lumina's filters cost per call; the baseline is what Semantic Kernel itself costs.
/// </summary>
/// <remarks>
/// The ledger is off here because a tight loop of sub-microsecond calls outruns any durable writer: with the default
/// buffered ledger the queue fills (<c>Lumina:Audit:MaxPending</c>) and, failing closed, calls are refused — which is
/// the behaviour asked for, not a figure. <see cref="ToolCallBenchmarks"/> measures the default filters at a rate a
/// client can reach.
/// </remarks>
[MemoryDiagnoser]
public class KernelPathBenchmarks
{
    private readonly KernelArguments _arguments = new() { ["message"] = "hi" };
    private Kernel _plain = null!;
    private ServiceProvider _withoutAudit = null!;
    private Kernel _luminaWithoutAudit = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plain = new Kernel();
        _plain.Plugins.AddFromType<EchoPlugin>("bench");
        (_withoutAudit, _luminaWithoutAudit) = Build(new() { ["Lumina:Audit:Enabled"] = "false" });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _withoutAudit.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Semantic Kernel, no filters")]
    public Task<FunctionResult> Plain() => _plain.InvokeAsync("bench", "echo", _arguments);

    [Benchmark(Description = "Lumina's kernel, audit ledger off")]
    public Task<FunctionResult> LuminaWithoutAudit() => _luminaWithoutAudit.InvokeAsync("bench", "echo", _arguments);

    private static (ServiceProvider, Kernel) Build(Dictionary<string, string?> settings)
    {
        settings["Lumina:DataDirectory"] = Directory.CreateTempSubdirectory("lumina-bench-").FullName;
        settings["Lumina:Policy:RateLimit:PermitsPerMinute"] = "0";
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddLumina(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).AddSqliteStores().AddPlugin<EchoPlugin>();
        var provider = services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<Kernel>());
    }
}
