using BenchmarkDotNet.Attributes;
using Lumina.Abstractions;
using Lumina.Providers;
using Lumina.Core.Budgets;
using Lumina.Providers.Budgets;
using Lumina.Storage.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Benchmarks;

/// <summary>
/// What the router and the kernel filters add to one chat call, against calling the chat client directly in the same
/// run (the model answers at once, so only Lumina's own work is measured): the router alone (strategy, health, the
/// call's cost), the router with usage counting and a budget on the embedded store (one reservation and one
/// settlement), and a prompt function through the kernel with its filters and the router.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
public class RouterBenchmarks
{
    private static readonly ChatMessage[] s_messages = [new(ChatRole.System, "Answer briefly."), new(ChatRole.User, "When do we deploy?")];
    private readonly InstantChat _direct = new();
    private readonly KernelArguments _arguments = new() { ["question"] = "When do we deploy?" };
    private string _folder = null!;
    private ProviderRouter _router = null!;
    private IChatClient _budgeted = null!;
    private ServiceProvider _services = null!;
    private Kernel _kernel = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("lumina-bench-router-").FullName;
        _router = Router();
        var budgets = new Dictionary<string, BudgetOptions> { ["daily"] = new() { Limit = 1_000_000m, Period = "day" } };
        var context = new LuminaCallContextAccessor();
        _budgeted = Router().AsBuilder()
            .UseBudgets(new BudgetGuard(budgets, new SqliteBudgetStore(Path.Combine(_folder, "usage.db")), TimeProvider.System), context)
            .UseUsage(new UsageMeter(), context)
            .Build();

        var prompt = Directory.CreateDirectory(Path.Combine(_folder, "prompts", "bench", "ask")).FullName;
        File.WriteAllText(Path.Combine(prompt, "skprompt.txt"), "Question: {{$question}}");
        File.WriteAllText(Path.Combine(prompt, "config.json"), """{"schema":1,"description":"Asks.","input_variables":[{"name":"question","description":"The question.","is_required":true}]}""");
        var services = new ServiceCollection();
        services.AddSingleton<IChatClient>(_router.AsBuilder().UseKernelFunctionInvocation().Build());
        services.AddLumina(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lumina:DataDirectory"] = Path.Combine(_folder, "data"),
            ["Lumina:Prompts:Directories:0"] = Path.Combine(_folder, "prompts"),
            ["Lumina:Prompts:BuiltIn"] = "false",
            ["Lumina:Memory:Filter:Enabled"] = "false",
        }).Build()).AddSqliteStores();
        _services = services.BuildServiceProvider();
        _kernel = _services.GetRequiredService<Kernel>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "chat client directly")]
    public Task<ChatResponse> Direct() => _direct.GetResponseAsync(s_messages);

    [Benchmark(Description = "through the router")]
    public Task<ChatResponse> Routed() => _router.GetResponseAsync(s_messages);

    [Benchmark(Description = "through the router, with a budget (SQLite)")]
    public Task<ChatResponse> RoutedWithBudget() => _budgeted.GetResponseAsync(s_messages);

    [Benchmark(Description = "prompt function: kernel filters + router")]
    public Task<FunctionResult> PromptFunction() => _kernel.InvokeAsync("bench", "ask", _arguments);

    private ProviderRouter Router()
    {
        var routing = new RoutingOptions();
        var options = new ProviderOptions { Kind = "openai", Model = "instant", InputPricePerMillion = 0.15m, OutputPricePerMillion = 0.6m };
        return new ProviderRouter(
            [new RoutedProvider("instant", _direct, options, new ProviderHealth(routing))],
            routing,
            TimeProvider.System,
            NullLogger<ProviderRouter>.Instance);
    }
}
