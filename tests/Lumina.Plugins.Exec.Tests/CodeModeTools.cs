using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Abstractions.Memory;
using Lumina.Core.Audit;
using Lumina.Core.Policy;
using Lumina.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Plugins.Exec.Tests;

/// <summary>Tools a test scripts: each a handler over the JSON arguments; every list and call is recorded.</summary>
internal sealed class ScriptedTools : ILuminaTools
{
    private readonly Dictionary<string, (string Description, Func<JsonElement, CancellationToken, Task<JsonElement>> Handler)> _tools = new(StringComparer.Ordinal);

    public ConcurrentQueue<(string Name, JsonElement Arguments, string[] Excluded, string CallerId)> Calls { get; } = new();

    public List<string[]> Listed { get; } = [];

    public ScriptedTools Add(string name, Func<JsonElement, CancellationToken, Task<JsonElement>> handler, string description = "A test tool.")
    {
        _tools[name] = (description, handler);
        return this;
    }

    public ScriptedTools Add(string name, Func<JsonElement, JsonElement> handler, string description = "A test tool.") =>
        Add(name, (arguments, _) => Task.FromResult(handler(arguments)), description);

    public IReadOnlyList<LuminaToolInfo> List(IEnumerable<string>? excludedPlugins = null)
    {
        Listed.Add([.. excludedPlugins ?? []]);
        return [.. _tools.Select(t => new LuminaToolInfo(t.Key, t.Value.Description, Json("""{"type":"object"}""")))];
    }

    public Task<JsonElement> CallAsync(string name, JsonElement arguments, IEnumerable<string>? excludedPlugins = null, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue((name, arguments.Clone(), [.. excludedPlugins ?? []], new LuminaCallContextAccessor().Current.Caller.Id));
        return _tools.TryGetValue(name, out var tool)
            ? tool.Handler(arguments, cancellationToken)
            : throw new LuminaRefusalException(LuminaRefusalKind.NotFound, $"There is no tool named '{name}' for this caller.");
    }

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}

/// <summary>
/// A real kernel as <c>AddLumina</c> composes it (every filter, the real <see cref="ILuminaTools"/>) over in-memory
/// stores, with a plugin any caller may read and one only an admin may use.
/// </summary>
public static class CodeModeHost
{
    public static ServiceProvider Build()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Lumina:DataDirectory"] = Path.Combine(Path.GetTempPath(), "lumina-codemode-" + Guid.NewGuid().ToString("N")),
                ["Lumina:Prompts:BuiltIn"] = "false",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLumina(configuration)
            .AddPlugin<NotesPlugin>("notes")
            .AddPlugin<VaultPlugin>("vault")
            .AddPlugin<ExecStandInPlugin>("exec");

        // The stores a backend would register, in memory: this project does not reference one.
        services.AddSingleton(new LuminaStoreBackend("memory"));
        services.AddKeyedSingleton<IAuditLedger>(LuminaStoreKeys.Audit, new MemoryAuditLedger());
        services.AddKeyedSingleton(LuminaStoreKeys.Memory, (_, _) => DispatchProxy.Create<ILuminaMemory, UnusedStore>());
        services.AddSingleton<IRateLimitStore>(sp => new InMemoryRateLimitStore(TimeProvider.System));
        return services.BuildServiceProvider();
    }

    public static IDisposable As(IServiceProvider services, string id, string role) =>
        services.GetRequiredService<ILuminaCallContextAccessor>().Push(
            new LuminaCallContext(new LuminaCaller(id, id, role, LuminaTransport.Http, IsAuthenticated: true)));

    [LuminaRequires(LuminaPermission.Read)]
    public sealed class NotesPlugin
    {
        [KernelFunction("read"), Description("Reads a note.")]
        public string Read([Description("The note's name.")] string name) => $"note {name}";

        [KernelFunction("count"), Description("Counts to n.")]
        public int[] Count(int n) => [.. Enumerable.Range(1, n)];
    }

    [LuminaRequires(LuminaPermission.Manage)]
    public sealed class VaultPlugin
    {
        [KernelFunction("secret"), Description("Reads a secret.")]
        public string Secret(string name) => $"secret {name}";
    }

    [LuminaRequires(LuminaPermission.Read)]
    public sealed class ExecStandInPlugin
    {
        [KernelFunction("run"), Description("Stands in for the exec plugin.")]
        public string Run(string code) => code;
    }

    /// <summary>The memory store: no test here reaches it (memory serves prompt functions). Not sealed: a DispatchProxy.</summary>
    public class UnusedStore : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new NotSupportedException($"{targetMethod?.Name} is not used by these tests.");
    }

    private sealed class MemoryAuditLedger : IAuditLedger
    {
        private readonly Lock _gate = new();
        private readonly List<AuditRecord> _records = [];

        public Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                var record = new AuditRecord(
                    _records.Count + 1, entry.Time, entry.CallerId, entry.CallerRole, entry.Transport, entry.Function,
                    entry.ArgumentsDigest, entry.Outcome, entry.ErrorKind, entry.DurationMs, string.Empty, string.Empty);
                _records.Add(record);
                return Task.FromResult(record);
            }
        }

        public async Task<IReadOnlyList<AuditRecord>> AppendBatchAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
        {
            var records = new List<AuditRecord>();
            foreach (var entry in entries)
            {
                records.Add(await AppendAsync(entry, cancellationToken));
            }

            return records;
        }

        public Task<IReadOnlyList<AuditRecord>> ReadRecentAsync(int count, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                return Task.FromResult<IReadOnlyList<AuditRecord>>([.. _records.TakeLast(count)]);
            }
        }

        public Task<IReadOnlyList<AuditRecord>> ReadRangeAsync(long fromSequence, int count, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                return Task.FromResult<IReadOnlyList<AuditRecord>>([.. _records.Where(r => r.Sequence >= fromSequence).Take(count)]);
            }
        }

        public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                return Task.FromResult(new AuditVerification(_records.Count, HeadHash: null));
            }
        }
    }
}
