using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Lumina.Abstractions;
using Lumina.Bench.EchoPlugin;
using Lumina.Core.Audit;
using Lumina.Workflows.Serving;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lumina.Benchmarks;

/// <summary>
/// What a workflow adds to the tool calls it makes, in process, on Lumina's default configuration without the audit
/// ledger (SQLite stores, every other filter, the durable run store with a checkpoint after every step). The ledger is
/// off because the baseline's calls, a few microseconds each in process, outrun its writer until its queue is full and
/// it refuses calls (<c>Lumina:Audit:MaxPending</c>, by design); a step records one entry, as the call it makes would
/// without a workflow. The baseline
/// makes <see cref="Steps"/> sequential calls of the <c>echo</c> tool the way a workflow step makes its call —
/// <see cref="ILuminaTools.CallAsync"/> (the kernel's function through <c>Kernel.InvokeAsync</c> and every filter) as
/// the caller, marked as a step — each echoing the previous answer. The other row calls the tool
/// <c>workflow_echo_chain</c> once, the same way: one real run of a workflow of <see cref="Steps"/> <c>echo</c> steps,
/// each echoing the previous step's result, on the engine (Microsoft Agent Framework Workflows), with its run record,
/// checkpoints and step ledger in the store. Both answer the same text, checked on every call.
/// </summary>
/// <remarks>
/// Read the overhead of a step as (workflow − baseline) / <see cref="Steps"/>: what a step costs beyond the tool call it
/// makes (expressions, the step's retry pipeline, its checkpoint and ledger entry in the store, the engine's superstep).
/// It includes the run's fixed cost (the run record, the workflow's own call and filters, its outputs) spread over the
/// ten steps, so a workflow of fewer steps pays more per step. The allocated column reads the same way.
/// </remarks>
[MemoryDiagnoser]
public class WorkflowStepBenchmarks
{
    /// <summary>The baseline's calls and the workflow's steps.</summary>
    public const int Steps = 10;

    private const string Workflow = "echo_chain";
    private const string Message = "hi";

    private static readonly LuminaCaller s_caller = new("ada", "Ada", "user", LuminaTransport.Http, IsAuthenticated: true);
    private static readonly string s_expected = string.Concat(Enumerable.Repeat("Echo: ", Steps)) + Message;

    private readonly LuminaCallContext _context = new(s_caller);
    private readonly JsonElement _workflowArguments = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["message"] = Message });
    private string _folder = null!;
    private string _data = null!;
    private ServiceProvider _services = null!;
    private WorkflowCatalogService _catalog = null!;
    private ILuminaTools _tools = null!;
    private ILuminaCallContextAccessor _accessor = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _folder = Directory.CreateTempSubdirectory("lumina-bench-workflows-").FullName;
        await File.WriteAllTextAsync(Path.Combine(_folder, Workflow + ".yaml"), Yaml());
        _data = Directory.CreateTempSubdirectory("lumina-bench-").FullName;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Lumina:DataDirectory"] = _data,
                ["Lumina:Policy:RateLimit:PermitsPerMinute"] = "0",
                ["Lumina:Audit:Enabled"] = "false",
                ["Lumina:Workflows:Examples"] = "false",
                ["Lumina:Workflows:Directories:0"] = _folder,
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddLumina(configuration).AddSqliteStores().AddPlugin<EchoPlugin>().AddWorkflows(configuration);
        _services = services.BuildServiceProvider();

        // As the host starts it: the files loaded and checked against the served tools, then followed.
        _catalog = _services.GetRequiredService<WorkflowCatalogService>();
        await _catalog.StartAsync(CancellationToken.None);
        await _catalog.StartedAsync(CancellationToken.None);
        if (_catalog.Errors.Count > 0 || _catalog.Find(Workflow) is null)
        {
            throw new InvalidOperationException($"The workflow {Workflow} is not served: {string.Join("; ", _catalog.Errors)}");
        }

        _tools = _services.GetRequiredService<ILuminaTools>();
        _accessor = _services.GetRequiredService<ILuminaCallContextAccessor>();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _catalog.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A store file still held open stays behind in the temporary folder.
        }
    }

    [Benchmark(Baseline = true, Description = "10 echo calls, as a step makes them")]
    public async Task<string> Calls()
    {
        var message = Message;
        for (var i = 1; i <= Steps; i++)
        {
            // As the engine makes a step's call: as the run's caller, with the run's step as its audit context.
            using var caller = _accessor.Push(_context);
            using var audit = LuminaAuditContext.Push("workflow bench/s" + i.ToString(CultureInfo.InvariantCulture));
            var arguments = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["message"] = message });
            var result = await _tools.CallAsync("echo", arguments);
            message = result.GetString()!;
        }

        return Check(message);
    }

    [Benchmark(Description = "workflow of 10 echo steps")]
    public async Task<string> Run()
    {
        using var caller = _accessor.Push(_context);
        var result = await _tools.CallAsync("workflow_" + Workflow, _workflowArguments);
        return Check(result.ValueKind == JsonValueKind.Object && result.TryGetProperty("last", out var last) && last.ValueKind == JsonValueKind.String
            ? last.GetString()!
            : throw new InvalidOperationException("Not the workflow's outputs: " + result.GetRawText()));
    }

    private static string Check(string text) =>
        text == s_expected ? text : throw new InvalidOperationException("Not the echo: " + text);

    /// <summary>A workflow of <see cref="Steps"/> <c>echo</c> steps, each echoing the previous step's result.</summary>
    private static string Yaml()
    {
        var yaml = new StringBuilder($$$"""
            name: {{{Workflow}}}
            description: Echoes its message through {{{Steps}}} steps, each echoing the previous step's result.
            inputs:
              message: { type: string, description: The first step's message. }
            steps:

            """);
        for (var i = 1; i <= Steps; i++)
        {
            var message = i == 1 ? "inputs.message" : $"steps.s{i - 1}.result";
            yaml.Append(CultureInfo.InvariantCulture, $$$"""
                  - id: s{{{i}}}
                    call: echo
                    with: { message: "${{ {{{message}}} }}" }

                """);
        }

        yaml.Append(CultureInfo.InvariantCulture, $$$"""
            outputs:
              last: ${{ steps.s{{{Steps}}}.result }}

            """);
        return yaml.ToString();
    }
}
