using System.Collections.Concurrent;
using System.ComponentModel;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Core.Workflows;
using Lumina.Testing;
using Lumina.Workflows.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Workflows.Tests.Engine;

/// <summary>
/// A real Lumina kernel (SQLite stores, every filter) serving <see cref="StepTools"/>, and engines over its run store:
/// what the engine tests run workflows against.
/// </summary>
internal sealed class EngineFixture : IDisposable
{
    private readonly ServiceProvider _provider;

    public EngineFixture(string? dataDirectory = null)
    {
        DataDirectory = dataDirectory ?? TestData.NewDirectory();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Lumina:DataDirectory"] = DataDirectory })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLumina(configuration).AddSqliteStores().AddPlugin(Tools);
        _provider = services.BuildServiceProvider();
    }

    public string DataDirectory { get; }

    public StepTools Tools { get; } = new();

    public IWorkflowRunStore Store => _provider.GetRequiredService<IWorkflowRunStore>();

    public WorkflowEngine Engine(TimeSpan? heartbeat = null, TimeProvider? time = null) => new(
        Store,
        _provider.GetRequiredService<ILuminaTools>(),
        _provider.GetRequiredService<ILuminaCallContextAccessor>(),
        Options.Create(new WorkflowOptions { Heartbeat = heartbeat ?? TimeSpan.FromMilliseconds(100) }),
        time ?? TimeProvider.System,
        NullLogger<WorkflowEngine>.Instance,
        _provider.GetRequiredService<ILuminaResourceNotifier>());

    public static LuminaCaller Caller(string role = "user") => new("ada", "Ada", role, LuminaTransport.Http, IsAuthenticated: true);

    public static WorkflowDefinition Parse(string yaml) => WorkflowLoader.Parse(yaml, "workflows/test.yaml");

    /// <summary>Runs <paramref name="yaml"/> to its end as <paramref name="context"/>'s caller (a user with no client by default).</summary>
    public async Task<WorkflowRunRecord> RunAsync(string yaml, JsonObject? arguments = null, ILuminaCallContext? context = null)
    {
        var handle = await Engine().StartAsync(Parse(yaml), yaml, arguments, context ?? new LuminaCallContext(Caller()));
        return await handle.Completion.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public void Dispose() => _provider.Dispose();
}

/// <summary>Tools for steps to call, each counting its calls.</summary>
[LuminaPlugin("t", Description = "Tools for the workflow engine's tests.")]
[LuminaRequires(LuminaPermission.Read)]
public sealed class StepTools
{
    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    /// <summary>Released to let <see cref="WaitAsync"/> calls return.</summary>
    public TaskCompletionSource Gate { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when a <see cref="WaitAsync"/> call has started.</summary>
    public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int CallsOf(string key) => Calls.TryGetValue(key, out var n) ? n : 0;

    [KernelFunction("echo"), Description("Returns its text.")]
    public string Echo(string text)
    {
        Calls.AddOrUpdate("echo:" + text, 1, (_, n) => n + 1);
        return text;
    }

    [KernelFunction("flaky"), Description("Fails as unavailable the first `times` calls for a key.")]
    public string Flaky(string key, int times)
    {
        var n = Calls.AddOrUpdate("flaky:" + key, 1, (_, c) => c + 1);
        return n <= times ? throw new LuminaRefusalException(LuminaRefusalKind.Unavailable, $"{key} is unavailable (call {n})") : $"{key} ok after {n}";
    }

    [KernelFunction("slow"), Description("Waits, then answers.")]
    public async Task<string> SlowAsync(int ms, CancellationToken cancellationToken)
    {
        Calls.AddOrUpdate("slow", 1, (_, n) => n + 1);
        await Task.Delay(ms, cancellationToken);
        return "slow done";
    }

    [KernelFunction("wait"), Description("Waits for the test's gate.")]
    public async Task<string> WaitAsync(string key, CancellationToken cancellationToken)
    {
        Calls.AddOrUpdate("wait:" + key, 1, (_, n) => n + 1);
        Waiting.TrySetResult();
        await Gate.Task.WaitAsync(cancellationToken);
        return key + " released";
    }

    [KernelFunction("keyed"), Description("Answers with the idempotency key it was given.")]
    public string Keyed(string text, string? idempotencyKey = null) => $"{text}|{idempotencyKey}";

    [KernelFunction("write"), Description("Pretends to change something.")]
    [LuminaRequires(LuminaPermission.Write)]
    public string Write(string text)
    {
        Calls.AddOrUpdate("write:" + text, 1, (_, n) => n + 1);
        return "wrote " + text;
    }
}

/// <summary>A client that answers every confirmation with <paramref name="action"/>, and keeps the progress it is sent.</summary>
internal sealed class AnsweringContext(LuminaCaller caller, ElicitationAction action) : LuminaCallContext(caller)
{
    public ConcurrentQueue<string> Asked { get; } = new();

    public ConcurrentQueue<(double Progress, double? Total)> Progress { get; } = new();

    public override Task<ElicitationResult> ElicitAsync(ElicitationRequest request, CancellationToken cancellationToken = default)
    {
        Asked.Enqueue(request.Message);
        return Task.FromResult(new ElicitationResult(action, null));
    }

    public override ValueTask ReportProgressAsync(double progress, double? total = null, string? message = null, CancellationToken cancellationToken = default)
    {
        Progress.Enqueue((progress, total));
        return ValueTask.CompletedTask;
    }
}
