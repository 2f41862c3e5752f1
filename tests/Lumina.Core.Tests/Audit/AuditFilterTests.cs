using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Audit;
using Lumina.Core.Tests.Memory;
using Lumina.Storage.Redis;
using Lumina.Storage.Sqlite;
using Lumina.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tests.Audit;

/// <summary>The audit filter around real kernel invocations, with the ledger in the configured store.</summary>
public sealed class AuditFilterTests : IDisposable
{
    private static readonly LuminaCaller s_admin = new("ada", "Ada", "admin", LuminaTransport.Http, IsAuthenticated: true);
    private static readonly LuminaCaller s_user = new("uma", "Uma", "user", LuminaTransport.Http, IsAuthenticated: true);
    private static readonly LuminaCaller s_guest = new("gus", "Gus", "guest", LuminaTransport.Stdio, IsAuthenticated: false);
    private readonly string _data = TestData.NewDirectory();
    private readonly ProbePlugin _probe = new();
    private readonly LogSink _logs = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task SuccessfulCall_IsRecordedWithCallerFunctionAndArgumentsDigest()
    {
        using var provider = Build();
        var kernel = provider.GetRequiredService<Kernel>();
        var arguments = new KernelArguments { ["text"] = "hello secret" };

        using (Push(provider, s_admin))
        {
            (await kernel.InvokeAsync("probe", "echo", arguments)).GetValue<string>().Should().Be("hello secret");
        }

        var record = (await Recent(provider)).Should().ContainSingle().Subject;
        record.Should().Match<AuditRecord>(r => r.Sequence == 1 && r.CallerId == "ada" && r.CallerRole == "admin" && r.Transport == LuminaTransport.Http
            && r.Function == "probe_echo" && r.Outcome == AuditOutcome.Ok && r.ErrorKind == null && r.DurationMs >= 0);
        record.ArgumentsDigest.Should().Be(AuditChain.DigestArguments(new KernelArguments { ["text"] = "hello secret" }));
        JsonSerializer.Serialize(record).Should().NotContain("secret");
    }

    [Fact]
    public async Task InProcessCall_WithoutContext_IsRecordedForTheLocalCaller()
    {
        using var provider = Build();

        await provider.GetRequiredService<Kernel>().InvokeAsync("probe", "echo", new() { ["text"] = "x" });

        (await Recent(provider)).Should().ContainSingle().Which.Should().Match<AuditRecord>(r => r.CallerId == "local" && r.Transport == LuminaTransport.InProcess);
    }

    [Fact]
    public async Task Failures_AreRecordedByKind_AndTheSameExceptionIsRethrown()
    {
        using var provider = Build();
        var kernel = provider.GetRequiredService<Kernel>();

        var denied = await FluentActions.Awaiting(() => kernel.InvokeAsync("probe", "deny")).Should().ThrowAsync<LuminaException>();
        var failed = await FluentActions.Awaiting(() => kernel.InvokeAsync("probe", "fail", new() { ["secret"] = "hunter2" })).Should().ThrowAsync<InvalidOperationException>();

        denied.Which.Should().BeSameAs(_probe.Thrown[0]);
        failed.Which.Should().BeSameAs(_probe.Thrown[1]);
        var records = await Recent(provider);
        records.Select(r => (r.Function, r.Outcome, r.ErrorKind)).Should().Equal(
            ("probe_deny", AuditOutcome.Denied, "Forbidden:invoke"),
            ("probe_fail", AuditOutcome.Error, "InvalidOperationException"));
        JsonSerializer.Serialize(records).Should().NotContain("hunter2");
    }

    [Fact]
    public async Task CancelledCall_IsRecordedAsCancelled()
    {
        using var provider = Build();
        var kernel = provider.GetRequiredService<Kernel>();
        using var cancellation = new CancellationTokenSource();

        var call = kernel.InvokeAsync("probe", "wait", cancellationToken: cancellation.Token);
        await _probe.Waiting.Task;
        await cancellation.CancelAsync();

        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();
        (await Recent(provider)).Should().ContainSingle().Which.Outcome.Should().Be(AuditOutcome.Cancelled);
    }

    [Fact]
    public async Task NestedCalls_MadeByAFunction_AreEachRecorded()
    {
        using var provider = Build();

        await provider.GetRequiredService<Kernel>().InvokeAsync("probe", "outer");

        (await Recent(provider)).Select(r => r.Function).Should().Equal("probe_echo", "probe_outer");
        (await provider.GetRequiredService<IAuditLedger>().VerifyAsync()).IsIntact.Should().BeTrue();
    }

    [Fact]
    public async Task AuthorizationRefusal_IsRecordedOnce_AndTheCallThatMadeItStillRecordsItsOwnEnd()
    {
        using var provider = Build(new() { ["Lumina:Auth:Permissions:probe.echo"] = "manage" });
        var kernel = provider.GetRequiredService<Kernel>();

        using (Push(provider, s_user))
        {
            await FluentActions.Awaiting(() => kernel.InvokeAsync("probe", "echo", new() { ["text"] = "x" })).Should().ThrowAsync<LuminaForbiddenException>();
            await FluentActions.Awaiting(() => kernel.InvokeAsync("probe", "outer")).Should().ThrowAsync<LuminaForbiddenException>();
        }

        (await Recent(provider)).Select(r => (r.Function, r.Outcome, r.ErrorKind)).Should().Equal(
            ("probe_echo", AuditOutcome.Denied, "Forbidden:invoke"),
            ("probe_echo", AuditOutcome.Denied, "Forbidden:invoke"),
            ("probe_outer", AuditOutcome.Denied, "Forbidden:invoke"));
        (await Recent(provider))[0].ArgumentsDigest.Should().Be(Digest("x"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("redis")]
    public async Task Append_IsTracedAsAStoreCall(string store)
    {
        await using var redis = store == "redis" ? await RedisServer.StartAsync() : null;
        using var provider = Build(redis is null ? null : Redis(redis));
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Lumina",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await provider.GetRequiredService<Kernel>().InvokeAsync("probe", "echo", new() { ["text"] = "x" });
        await provider.GetRequiredService<AuditWriter>().FlushAsync();

        lock (spans)
        {
            spans.Should().Contain(s => s.DisplayName == "lumina.store audit_append" && (string?)s.GetTagItem("db.system.name") == store
                && (int?)s.GetTagItem("db.operation.batch.size") == 1);
        }
    }

    [Fact]
    public async Task Disabled_RecordsNothing()
    {
        using var provider = Build(new() { ["Lumina:Audit:Enabled"] = "false" });

        await provider.GetRequiredService<Kernel>().InvokeAsync("probe", "echo", new() { ["text"] = "x" });

        (await Recent(provider)).Should().BeEmpty();
    }

    [Fact]
    public async Task RecentResource_RefusesNonAdministrators_AndTheRefusalIsRecorded()
    {
        using var provider = Build();
        var kernel = provider.GetRequiredService<Kernel>();

        using (Push(provider, s_guest))
        {
            var refused = await FluentActions.Awaiting(() => kernel.InvokeAsync("audit", "recent")).Should().ThrowAsync<LuminaException>();
            refused.Which.Message.Should().StartWith("Forbidden").And.Contain("needs the 'manage' permission");
        }

        using (Push(provider, s_admin))
        {
            var records = (await kernel.InvokeAsync("audit", "recent")).GetValue<IReadOnlyList<AuditRecord>>()!;
            records.Should().ContainSingle().Which.Should().Match<AuditRecord>(r => r.Function == "audit_recent" && r.Outcome == AuditOutcome.Denied && r.CallerId == "gus");
        }

        (await Recent(provider)).Select(r => (r.CallerId, r.Outcome)).Should().Equal(("gus", AuditOutcome.Denied), ("ada", AuditOutcome.Ok));
    }

    [Fact]
    public async Task FullDurability_StoreDown_FailsTheCallWithAClearMessage_AndLogsAnError()
    {
        await using var redis = await RedisServer.StartAsync();
        using var provider = Build(new(Redis(redis)) { ["Lumina:Audit:Durability"] = "Full" });
        var kernel = provider.GetRequiredService<Kernel>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "before" });

        await redis.StopAsync();
        var call = () => kernel.InvokeAsync("probe", "echo", new() { ["text"] = "after" });

        (await call.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("audit ledger is unavailable").And.Contain("probe_echo").And.Contain("Lumina:Audit:FailClosed");
        _logs.Errors.Should().ContainSingle().Which.Should().Contain("probe_echo");
    }

    [Fact]
    public async Task FullDurability_StoreDown_WithFailClosedOff_LetsTheCallThrough_AndLogsAnError()
    {
        await using var redis = await RedisServer.StartAsync();
        using var provider = Build(new(Redis(redis)) { ["Lumina:Audit:FailClosed"] = "false", ["Lumina:Audit:Durability"] = "Full" });
        var kernel = provider.GetRequiredService<Kernel>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "before" });

        await redis.StopAsync();
        var result = await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "after" });

        result.GetValue<string>().Should().Be("after");
        _logs.Errors.Should().ContainSingle();
    }

    [Fact]
    public async Task RedisStore_KeepsTheLedgerInRedis()
    {
        await using var redis = await RedisServer.StartAsync();
        using var provider = Build(Redis(redis));

        await provider.GetRequiredService<Kernel>().InvokeAsync("probe", "echo", new() { ["text"] = "x" });

        Store(provider).Should().BeOfType<RedisAuditLedger>();
        (await Recent(provider)).Should().ContainSingle();
        File.Exists(Path.Combine(_data, "audit.db")).Should().BeFalse();
    }

    [Theory]
    [InlineData(null, AuditDurability.Buffered)]
    [InlineData("Full", AuditDurability.Full)]
    [InlineData("Normal", AuditDurability.Normal)]
    public async Task Durability_ComesFromConfiguration_BufferedByDefault(string? configured, AuditDurability expected)
    {
        using var provider = Build(configured is null ? null : new() { ["Lumina:Audit:Durability"] = configured });

        await provider.GetRequiredService<Kernel>().InvokeAsync("probe", "echo", new() { ["text"] = "x" });

        Store(provider).Should().BeOfType<SqliteAuditLedger>().Which.Durability.Should().Be(expected);
        if (expected == AuditDurability.Buffered)
        {
            provider.GetRequiredService<IAuditLedger>().Should().BeOfType<BufferedAuditLedger>();
        }
        else
        {
            provider.GetRequiredService<IAuditLedger>().Should().BeSameAs(Store(provider));
        }

        (await Recent(provider)).Should().ContainSingle();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Buffered_ConcurrentCalls_AreAllRecordedInEachCallersOrder_AndTheChainVerifies(bool redisStore)
    {
        await using var redis = redisStore ? await RedisServer.StartAsync() : null;
        using var provider = Build(redis is null ? null : Redis(redis));
        var kernel = provider.GetRequiredService<Kernel>();
        const int Flows = 8, CallsPerFlow = 50;

        await Task.WhenAll(Enumerable.Range(0, Flows).Select(flow => Task.Run(async () =>
        {
            for (var i = 0; i < CallsPerFlow; i++)
            {
                await kernel.InvokeAsync("probe", "echo", new() { ["text"] = $"{flow}:{i}" });
            }
        })));
        await provider.GetRequiredService<AuditWriter>().FlushAsync();

        var records = await Store(provider).ReadRangeAsync(1, 10_000);
        records.Should().HaveCount(Flows * CallsPerFlow);
        var calls = Enumerable.Range(0, Flows).SelectMany(flow => Enumerable.Range(0, CallsPerFlow).Select(i => (flow, i)))
            .ToDictionary(c => AuditChain.DigestArguments(new KernelArguments { ["text"] = $"{c.flow}:{c.i}" }));
        var made = records.Select(r => calls[r.ArgumentsDigest]).ToList();
        made.Should().OnlyHaveUniqueItems();
        foreach (var flow in Enumerable.Range(0, Flows))
        {
            made.Where(c => c.flow == flow).Select(c => c.i).Should().BeInAscendingOrder($"flow {flow} made its calls one after another");
        }

        (await Store(provider).VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == Flows * CallsPerFlow);
        provider.GetRequiredService<AuditWriter>().Pending.Should().Be(0);
    }

    [Fact]
    public async Task Buffered_DisposingTheProvider_WritesEveryQueuedRecord()
    {
        var provider = Build();
        var kernel = provider.GetRequiredService<Kernel>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "first" });
        await provider.GetRequiredService<AuditWriter>().FlushAsync();

        // The writer waits on the file's lock (within its busy timeout), so every record below is still queued when the
        // provider is disposed.
        var writeLock = await LockLedgerAsync();
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => kernel.InvokeAsync("probe", "echo", new() { ["text"] = $"{i}" }))));
        provider.GetRequiredService<AuditWriter>().Pending.Should().Be(300);
        var disposed = Task.Run(provider.Dispose);
        await writeLock.DisposeAsync();
        await disposed;

        using var fresh = new SqliteAuditLedger(Path.Combine(_data, "audit.db"));
        (await fresh.VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == 301);
    }

    [Fact]
    public async Task Buffered_RedisDown_RefusesCallsBeforeTheyRun_KeepsTheRecords_AndWritesThemWhenItIsBack()
    {
        await using var redis = await RedisServer.StartAsync();
        using var provider = Build(Redis(redis), Quick);
        var kernel = provider.GetRequiredService<Kernel>();
        var writer = provider.GetRequiredService<AuditWriter>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "before" });
        await writer.FlushAsync();

        await redis.StopAsync();
        (await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "during" })).GetValue<string>().Should().Be("during");
        await Eventually(() => writer.Failure is not null, "the writer finds the store down");
        var echoes = _probe.Echoes;
        var refused = () => kernel.InvokeAsync("probe", "echo", new() { ["text"] = "refused" });

        (await refused.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("audit ledger is unavailable")
            .And.Contain("refused before it ran").And.Contain("probe_echo").And.Contain("Lumina:Audit:FailClosed");
        _probe.Echoes.Should().Be(echoes, "a refused call does not run");
        _logs.Errors.Should().Contain(e => e.Contains("Could not write 1 audit records", StringComparison.Ordinal));

        // The restarted server is empty (no persistence): the kept record is chained anew from its genesis.
        await redis.StartAgainAsync();
        await Eventually(() => writer.Pending == 0 && writer.Failure is null, "the writer writes the kept record");
        (await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "after" })).GetValue<string>().Should().Be("after");
        var records = await Recent(provider);
        records.Select(r => r.ArgumentsDigest).Should().Equal(Digest("during"), Digest("after"));
        (await Store(provider).VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == 2);
    }

    [Fact]
    public async Task Buffered_SqliteLocked_RefusesCallsBeforeTheyRun_KeepsTheRecords_AndWritesThemWhenItIsFree()
    {
        using var provider = Build(tuning: Quick);
        var kernel = provider.GetRequiredService<Kernel>();
        var writer = provider.GetRequiredService<AuditWriter>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "before" });
        await writer.FlushAsync();

        await using (await LockLedgerAsync())
        {
            await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "during" });
            await Eventually(() => writer.Failure is not null, "the writer's batch times out on the lock");
            var refused = () => kernel.InvokeAsync("probe", "echo", new() { ["text"] = "refused" });

            (await refused.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("audit ledger is unavailable").And.Contain("refused before it ran");
            var read = () => provider.GetRequiredService<IAuditLedger>().ReadRecentAsync(10);
            (await read.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("1 records wait to be written");
        }

        await Eventually(() => writer.Pending == 0 && writer.Failure is null, "the writer writes the kept record");
        (await Recent(provider)).Select(r => r.ArgumentsDigest).Should().Equal(Digest("before"), Digest("during"));
        (await Store(provider).VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == 2);
        _logs.Errors.Should().Contain(e => e.Contains("Could not write 1 audit records", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Buffered_StoreDown_WithFailClosedOff_CallsRun_TheErrorIsLogged_AndTheRecordsFollowLater()
    {
        using var provider = Build(new() { ["Lumina:Audit:FailClosed"] = "false" }, Quick);
        var kernel = provider.GetRequiredService<Kernel>();
        var writer = provider.GetRequiredService<AuditWriter>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "before" });
        await writer.FlushAsync();

        await using (await LockLedgerAsync())
        {
            (await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "one" })).GetValue<string>().Should().Be("one");
            await Eventually(() => writer.Failure is not null, "the writer's batch times out on the lock");
            (await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "two" })).GetValue<string>().Should().Be("two");
            _logs.Errors.Should().Contain(e => e.Contains("Could not write 1 audit records", StringComparison.Ordinal));
        }

        await Eventually(() => writer.Pending == 0 && writer.Failure is null, "the writer writes the kept records");
        (await Recent(provider)).Select(r => r.ArgumentsDigest).Should().Equal(Digest("before"), Digest("one"), Digest("two"));
    }

    [Fact]
    public async Task Buffered_QueueFull_RefusesCallsBeforeTheyRun()
    {
        using var provider = Build(new() { ["Lumina:Audit:MaxPending"] = "2" });
        var kernel = provider.GetRequiredService<Kernel>();
        var writer = provider.GetRequiredService<AuditWriter>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "before" });
        await writer.FlushAsync();

        await using (await LockLedgerAsync())
        {
            await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "one" });
            await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "two" });
            var echoes = _probe.Echoes;
            var refused = () => kernel.InvokeAsync("probe", "echo", new() { ["text"] = "three" });

            (await refused.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("audit queue is full (2 records")
                .And.Contain("Lumina:Audit:MaxPending").And.Contain("refused before it ran");
            _probe.Echoes.Should().Be(echoes);
        }

        await writer.FlushAsync();
        (await Recent(provider)).Select(r => r.ArgumentsDigest).Should().Equal(Digest("before"), Digest("one"), Digest("two"));
    }

    [Fact]
    public async Task Buffered_QueueFull_WithFailClosedOff_RunsTheCall_DropsItsRecord_AndLogsHowManyWereDropped()
    {
        using var provider = Build(new() { ["Lumina:Audit:MaxPending"] = "2", ["Lumina:Audit:FailClosed"] = "false" });
        var kernel = provider.GetRequiredService<Kernel>();
        var writer = provider.GetRequiredService<AuditWriter>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "before" });
        await writer.FlushAsync();

        await using (await LockLedgerAsync())
        {
            foreach (var text in (string[])["one", "two", "three", "four"])
            {
                (await kernel.InvokeAsync("probe", "echo", new() { ["text"] = text })).GetValue<string>().Should().Be(text);
            }

            _logs.Errors.Should().ContainSingle().Which.Should().Contain("audit queue is full").And.Contain("probe_echo");
        }

        await writer.FlushAsync();
        (await Recent(provider)).Select(r => r.ArgumentsDigest).Should().Equal(Digest("before"), Digest("one"), Digest("two"));
        _logs.Errors.Should().Contain(e => e.StartsWith("2 audit records were dropped", StringComparison.Ordinal));
    }

    /// <summary>Short retries, a one-second wait for SQLite's lock, a short drain on disposal.</summary>
    private static AuditTuning Quick { get; } = new()
    {
        RetryMinDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        SqliteBusyTimeout = TimeSpan.FromSeconds(1),
        DrainTimeout = TimeSpan.FromSeconds(1),
    };

    private static string Digest(string text) => AuditChain.DigestArguments(new KernelArguments { ["text"] = text });

    private static IAuditLedger Store(ServiceProvider provider) => provider.GetRequiredKeyedService<IAuditLedger>(AuditServiceCollectionExtensions.StoreKey);

    /// <summary>Waits (bounded) for a state the writer reaches on its own.</summary>
    private static async Task Eventually(Func<bool> condition, string because)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        condition().Should().BeTrue(because);
    }

    /// <summary>Takes the ledger file's write lock from another connection, as another process writing it would.</summary>
    private async Task<Microsoft.Data.Sqlite.SqliteConnection> LockLedgerAsync()
    {
        var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_data, "audit.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "BEGIN IMMEDIATE";
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    private static Dictionary<string, string?> Redis(RedisServer redis) => new()
    {
        ["ConnectionStrings:redis"] = $"{redis.ConnectionString},asyncTimeout=1000,syncTimeout=1000,connectTimeout=1000",
    };

    private static Task<IReadOnlyList<AuditRecord>> Recent(ServiceProvider provider) => provider.GetRequiredService<IAuditLedger>().ReadRecentAsync(50);

    private static IDisposable Push(ServiceProvider provider, LuminaCaller caller) =>
        provider.GetRequiredService<ILuminaCallContextAccessor>().Push(new LuminaCallContext(caller));

    private ServiceProvider Build(Dictionary<string, string?>? settings = null, AuditTuning? tuning = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lumina:DataDirectory"] = _data,
            ["Lumina:Prompts:BuiltIn"] = "false",
        }).AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddProvider(_logs));
        if (tuning is not null)
        {
            services.AddSingleton(tuning);
        }

        services.AddLumina(configuration).AddTestStores(configuration).AddBuiltInPlugins(configuration).AddProviders(configuration).AddPlugin(_probe, "probe");
        return services.BuildServiceProvider();
    }

    public sealed class ProbePlugin
    {
        private int _echoes;

        public List<Exception> Thrown { get; } = [];

        public int Echoes => Volatile.Read(ref _echoes);

        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        [KernelFunction("echo"), Description("Returns the text.")]
        public string Echo([Description("Text.")] string text)
        {
            Interlocked.Increment(ref _echoes);
            return text;
        }

        [KernelFunction("deny"), Description("Refuses.")]
        public string Deny() => throw Remember(new LuminaForbiddenException("Forbidden: probes are not for you."));

        [KernelFunction("fail"), Description("Fails, quoting its argument.")]
        public string Fail([Description("A secret.")] string secret) => throw Remember(new InvalidOperationException($"boom {secret}"));

        [KernelFunction("wait"), Description("Waits until cancelled.")]
        public async Task WaitAsync(CancellationToken cancellationToken)
        {
            Waiting.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        [KernelFunction("outer"), Description("Calls echo through the kernel, as a model's tool call would.")]
        public async Task<string> OuterAsync(Kernel kernel, CancellationToken cancellationToken) =>
            (await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "inner" }, cancellationToken)).GetValue<string>()!;

        private Exception Remember(Exception exception)
        {
            Thrown.Add(exception);
            return exception;
        }
    }

    private sealed class LogSink : ILoggerProvider
    {
        private readonly List<string> _errors = [];

        public IReadOnlyList<string> Errors
        {
            get
            {
                lock (_errors)
                {
                    return [.. _errors];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LogSink sink, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Error && category.Contains("Audit", StringComparison.Ordinal))
                {
                    lock (sink._errors)
                    {
                        sink._errors.Add(formatter(state, exception));
                    }
                }
            }
        }
    }
}
