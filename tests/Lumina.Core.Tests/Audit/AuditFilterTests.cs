using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Audit;
using Lumina.Core.Tests.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tests.Audit;

/// <summary>The audit filter around real kernel invocations, with the ledger in the configured store.</summary>
public sealed class AuditFilterTests : IDisposable
{
    private static readonly LuminaCaller s_admin = new("ada", "Ada", "admin", LuminaTransport.Http, IsAuthenticated: true);
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
            ("probe_deny", AuditOutcome.Denied, "Forbidden"),
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
    public async Task Append_IsTracedAsAStoreCall()
    {
        using var provider = Build();
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

        lock (spans)
        {
            spans.Should().Contain(s => s.DisplayName == "lumina.store audit_append" && (string?)s.GetTagItem("db.system.name") == "sqlite");
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
    public async Task StoreDown_FailsTheCallWithAClearMessage_AndLogsAnError()
    {
        await using var redis = await RedisServer.StartAsync();
        using var provider = Build(Redis(redis));
        var kernel = provider.GetRequiredService<Kernel>();
        await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "before" });

        await redis.StopAsync();
        var call = () => kernel.InvokeAsync("probe", "echo", new() { ["text"] = "after" });

        (await call.Should().ThrowAsync<LuminaException>()).Which.Message.Should().Contain("audit ledger is unavailable").And.Contain("probe_echo").And.Contain("Lumina:Audit:FailClosed");
        _logs.Errors.Should().ContainSingle().Which.Should().Contain("probe_echo");
    }

    [Fact]
    public async Task StoreDown_WithFailClosedOff_LetsTheCallThrough_AndLogsAnError()
    {
        await using var redis = await RedisServer.StartAsync();
        using var provider = Build(new(Redis(redis)) { ["Lumina:Audit:FailClosed"] = "false" });
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

        provider.GetRequiredService<IAuditLedger>().Should().BeOfType<RedisAuditLedger>();
        (await Recent(provider)).Should().ContainSingle();
        File.Exists(Path.Combine(_data, "audit.db")).Should().BeFalse();
    }

    [Theory]
    [InlineData(null, AuditDurability.Full)]
    [InlineData("Normal", AuditDurability.Normal)]
    public async Task Durability_ComesFromConfiguration_FullByDefault(string? configured, AuditDurability expected)
    {
        using var provider = Build(configured is null ? null : new() { ["Lumina:Audit:Durability"] = configured });

        await provider.GetRequiredService<Kernel>().InvokeAsync("probe", "echo", new() { ["text"] = "x" });

        provider.GetRequiredService<IAuditLedger>().Should().BeOfType<SqliteAuditLedger>().Which.Durability.Should().Be(expected);
        (await Recent(provider)).Should().ContainSingle();
    }

    private static Dictionary<string, string?> Redis(RedisServer redis) => new()
    {
        ["Lumina:Memory:Store"] = "redis",
        ["ConnectionStrings:redis"] = $"{redis.ConnectionString},asyncTimeout=1000,syncTimeout=1000,connectTimeout=1000",
    };

    private static Task<IReadOnlyList<AuditRecord>> Recent(ServiceProvider provider) => provider.GetRequiredService<IAuditLedger>().ReadRecentAsync(50);

    private static IDisposable Push(ServiceProvider provider, LuminaCaller caller) =>
        provider.GetRequiredService<ILuminaCallContextAccessor>().Push(new LuminaCallContext(caller));

    private ServiceProvider Build(Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lumina:DataDirectory"] = _data,
            ["Lumina:Prompts:BuiltIn"] = "false",
        }).AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddProvider(_logs));
        services.AddLumina(configuration).AddPlugin(_probe, "probe");
        return services.BuildServiceProvider();
    }

    public sealed class ProbePlugin
    {
        public List<Exception> Thrown { get; } = [];

        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        [KernelFunction("echo"), Description("Returns the text.")]
        public string Echo([Description("Text.")] string text) => text;

        [KernelFunction("deny"), Description("Refuses.")]
        public string Deny() => throw Remember(new LuminaException("Forbidden: probes are not for you."));

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
