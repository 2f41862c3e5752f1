using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Benchmarks;

/// <summary>
/// The memory filter's cost per prompt-function call on the embedded store: the same call with the filter off is the
/// baseline, so the ratio is what loading history and facts and storing the exchange adds (the model answers at once).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
public class MemoryFilterBenchmarks
{
    private string _folder = null!;
    private ServiceProvider _with = null!;
    private ServiceProvider _without = null!;
    private Kernel _withFilter = null!;
    private Kernel _withoutFilter = null!;
    private readonly KernelArguments _arguments = new() { ["question"] = "What did we decide about deployments?" };

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("lumina-bench-filter-").FullName;
        var prompt = Directory.CreateDirectory(Path.Combine(_folder, "prompts", "bench", "ask")).FullName;
        File.WriteAllText(Path.Combine(prompt, "skprompt.txt"), "Question: {{$question}}");
        File.WriteAllText(Path.Combine(prompt, "config.json"), """{"schema":1,"description":"Asks.","input_variables":[{"name":"question","description":"The question.","is_required":true}]}""");
        (_with, _withFilter) = Build("true");
        (_without, _withoutFilter) = Build("false");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _with.Dispose();
        _without.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "prompt call, memory filter off")]
    public Task<FunctionResult> WithoutFilter() => _withoutFilter.InvokeAsync("bench", "ask", _arguments);

    [Benchmark(Description = "prompt call, memory filter on")]
    public Task<FunctionResult> WithFilter() => _withFilter.InvokeAsync("bench", "ask", _arguments);

    private (ServiceProvider, Kernel) Build(string enabled)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lumina:DataDirectory"] = Path.Combine(_folder, "data-" + enabled),
            ["Lumina:Prompts:Directories:0"] = Path.Combine(_folder, "prompts"),
            ["Lumina:Prompts:BuiltIn"] = "false",
            ["Lumina:Memory:Filter:Enabled"] = enabled,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IChatClient, InstantChat>();
        services.AddLumina(configuration).AddSqliteStores();
        var provider = services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<Kernel>());
    }
}
