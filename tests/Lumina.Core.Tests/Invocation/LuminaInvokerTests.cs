using System.ComponentModel;
using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Audit;
using Lumina.Core.Auth;
using Lumina.Core.Invocation;
using Lumina.Core.Plugins;
using Lumina.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tests.Invocation;

/// <summary>The invoker's outcome for each way a call can end, over the real kernel and its filters.</summary>
public sealed class LuminaInvokerTests : IDisposable
{
    private static readonly LuminaCaller s_user = new("uma", "Uma", "user", LuminaTransport.Http, IsAuthenticated: true);
    private static readonly LuminaCaller s_guest = new("gus", "Gus", "guest", LuminaTransport.Http, IsAuthenticated: true);
    private readonly string _data = TestData.NewDirectory();
    private readonly string _prompts;
    private readonly ErrorLog _errors = new();
    private readonly ProbePlugin _probe = new();

    public LuminaInvokerTests()
    {
        _prompts = Directory.CreateDirectory(Path.Combine(_data, "prompts")).FullName;
        TestPrompts.WriteAsk(_prompts);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task InvokeAsync_Success_IsSucceededWithTheResultAndTheToolName()
    {
        using var services = Build();

        var outcome = await Invoker(services).InvokeAsync(Call(s_user), Function(services, "echo"), LuminaAccess.ToolCall, Json("""{"text":"hello"}"""), CancellationToken.None);

        var succeeded = outcome.Should().BeOfType<InvocationSucceeded>().Which;
        succeeded.Result.GetValue<string>().Should().Be("hello");
        succeeded.Name.Should().Be("probe_echo");
    }

    [Theory]
    [InlineData(LuminaRefusalKind.Forbidden)]
    [InlineData(LuminaRefusalKind.Limit)]
    [InlineData(LuminaRefusalKind.Budget)]
    [InlineData(LuminaRefusalKind.ConfirmationDeclined)]
    [InlineData(LuminaRefusalKind.InvalidArgument)]
    [InlineData(LuminaRefusalKind.NotFound)]
    [InlineData(LuminaRefusalKind.TooLarge)]
    [InlineData(LuminaRefusalKind.Unavailable)]
    public async Task InvokeAsync_FunctionRefuses_IsRefusedWithItsKindAndMessage(LuminaRefusalKind kind)
    {
        using var services = Build();

        var outcome = await Invoker(services).InvokeAsync(Call(s_user), Function(services, "refuse"), LuminaAccess.Invoke, new KernelArguments { ["kind"] = kind.ToString() }, CancellationToken.None);

        var refused = outcome.Should().BeOfType<InvocationRefused>().Which;
        refused.Kind.Should().Be(kind);
        refused.Message.Should().Be($"No ({kind}).");
        refused.RetryAfter.Should().Be(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task InvokeAsync_PlainLuminaException_IsRefusedAsInvalidArgument()
    {
        using var services = Build();

        var outcome = await Invoker(services).InvokeAsync(Call(s_user), Function(services, "plain"), LuminaAccess.Invoke, new KernelArguments(), CancellationToken.None);

        outcome.Should().BeEquivalentTo(new { Kind = LuminaRefusalKind.InvalidArgument, Message = "That cannot be done." }, o => o.ExcludingMissingMembers());
    }

    [Fact]
    public async Task InvokeAsync_RoleLacksThePermission_IsRefusedForbidden_BeforeTheArgumentsAreLookedAt()
    {
        using var services = Build();

        var outcome = await Invoker(services).InvokeAsync(Call(s_guest), Function(services, "write"), LuminaAccess.ToolCall, Json("""{"nonsense":1}"""), CancellationToken.None);

        var refused = outcome.Should().BeOfType<InvocationRefused>().Which;
        refused.Kind.Should().Be(LuminaRefusalKind.Forbidden);
        refused.Message.Should().Be("Forbidden: probe_write needs the 'write' permission; Gus has the role 'guest'.");
        _probe.Writes.Should().Be(0);
        var records = await services.GetRequiredService<IAuditLedger>().ReadRecentAsync(10);
        records.Select(r => (r.Function, r.Outcome, r.ErrorKind)).Should().Equal(("probe_write", AuditOutcome.Denied, "Forbidden:tools/call"));
    }

    [Fact]
    public async Task InvokeAsync_BadJsonArguments_IsRefusedAsInvalidArgument_NamingTheTool()
    {
        using var services = Build();

        var outcome = await Invoker(services).InvokeAsync(Call(s_user), Function(services, "echo"), LuminaAccess.ToolCall, Json("""{"text":"a","extra":1}"""), CancellationToken.None);

        var refused = outcome.Should().BeOfType<InvocationRefused>().Which;
        refused.Kind.Should().Be(LuminaRefusalKind.InvalidArgument);
        refused.Message.Should().StartWith("'probe_echo' has no argument 'extra'.");
    }

    [Fact]
    public async Task InvokeAsync_PastTheRateLimit_IsRefusedAsLimit_WithWhenToRetry()
    {
        using var services = Build(new() { ["Lumina:Policy:RateLimit:PermitsPerMinute"] = "1", ["Lumina:Policy:RateLimit:Burst"] = "1" });
        var invoker = Invoker(services);
        var echo = Function(services, "echo");

        var first = await invoker.InvokeAsync(Call(s_user), echo, LuminaAccess.Invoke, new KernelArguments { ["text"] = "a" }, CancellationToken.None);
        var second = await invoker.InvokeAsync(Call(s_user), echo, LuminaAccess.Invoke, new KernelArguments { ["text"] = "b" }, CancellationToken.None);

        first.Should().BeOfType<InvocationSucceeded>();
        var refused = second.Should().BeOfType<InvocationRefused>().Which;
        refused.Kind.Should().Be(LuminaRefusalKind.Limit);
        refused.Message.Should().StartWith("Forbidden: rate limit reached for 'uma'");
        refused.RetryAfter.Should().BeGreaterThan(TimeSpan.Zero);
    }

    [Fact]
    public async Task InvokeAsync_ArgumentsOverTheCap_IsRefusedAsTooLarge()
    {
        using var services = Build(new() { ["Lumina:Policy:MaxArgumentBytes"] = "100" });

        var outcome = await Invoker(services).InvokeAsync(Call(s_user), Function(services, "echo"), LuminaAccess.Invoke, new KernelArguments { ["text"] = new string('x', 200) }, CancellationToken.None);

        outcome.Should().BeOfType<InvocationRefused>().Which.Kind.Should().Be(LuminaRefusalKind.TooLarge);
    }

    [Fact]
    public async Task InvokeAsync_DestructiveWithoutAWayToAsk_IsRefusedAsConfirmationDeclined()
    {
        using var services = Build();

        var outcome = await Invoker(services).InvokeAsync(Call(s_user), Function(services, "write"), LuminaAccess.Invoke, new KernelArguments { ["text"] = "x" }, CancellationToken.None);

        var refused = outcome.Should().BeOfType<InvocationRefused>().Which;
        refused.Kind.Should().Be(LuminaRefusalKind.ConfirmationDeclined);
        refused.Message.Should().StartWith("Declined: probe_write is destructive");
        _probe.Writes.Should().Be(0);
    }

    [Fact]
    public async Task InvokeAsync_FunctionNotServed_IsRefusedAsNotFound()
    {
        using var services = Build();

        var outcome = await Invoker(services).InvokeAsync(Call(s_user), "probe", "missing", new KernelArguments(), CancellationToken.None);

        var refused = outcome.Should().BeOfType<InvocationRefused>().Which;
        refused.Kind.Should().Be(LuminaRefusalKind.NotFound);
        refused.Message.Should().Be("probe.missing is not served by this host (is the plugin disabled?).");
    }

    [Fact]
    public async Task InvokeAsync_UnexpectedException_IsFailed_WithAReferenceLoggedWithTheException_AndNoInternals()
    {
        using var services = Build();

        var outcome = await Invoker(services).InvokeAsync(Call(s_user), Function(services, "fail"), LuminaAccess.Invoke, new KernelArguments { ["secret"] = "hunter2" }, CancellationToken.None);

        var failed = outcome.Should().BeOfType<InvocationFailed>().Which;
        failed.ReferenceId.Should().MatchRegex("^[0-9a-f]{12}$");
        failed.Message.Should().Be($"'probe_fail' failed unexpectedly. The details are in the server's log (reference {failed.ReferenceId}).");
        failed.Message.Should().NotContain("hunter2");
        _errors.Entries.Should().ContainSingle(e => e.Message.Contains(failed.ReferenceId, StringComparison.Ordinal))
            .Which.Exception.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("boom hunter2");
    }

    [Fact]
    public async Task InvokeAsync_CallerCancels_ThrowsRatherThanAnOutcome()
    {
        using var services = Build();
        using var cancel = new CancellationTokenSource();

        var call = Invoker(services).InvokeAsync(Call(s_user), Function(services, "wait"), LuminaAccess.Invoke, new KernelArguments(), cancel.Token);
        await _probe.Waiting.Task;
        await cancel.CancelAsync();

        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task RenderAsync_PromptTemplateTheCallerMayNotUse_IsRefusedForbidden_AsAPromptsGet()
    {
        using var services = Build(new() { ["Lumina:Auth:Permissions:notes.ask"] = "manage" });
        var ask = services.GetRequiredService<LuminaPluginRegistry>().Find("notes", "ask")!;

        var outcome = await Invoker(services).RenderAsync(Call(s_user), ask, null, () => new KernelArguments { ["question"] = "Why?" }, CancellationToken.None);

        outcome.Should().BeOfType<InvocationRefused>().Which.Kind.Should().Be(LuminaRefusalKind.Forbidden);
        var records = await services.GetRequiredService<IAuditLedger>().ReadRecentAsync(10);
        records.Select(r => (r.Function, r.Outcome, r.ErrorKind)).Should().Equal(("notes_ask", AuditOutcome.Denied, "Forbidden:prompts/get"));
    }

    [Fact]
    public async Task RenderAsync_PromptTemplate_IsSucceededWithTheRenderedText()
    {
        using var services = Build();
        var ask = services.GetRequiredService<LuminaPluginRegistry>().Find("notes", "ask")!;

        var outcome = await Invoker(services).RenderAsync(Call(s_user), ask, null, () => new KernelArguments { ["question"] = "Why?" }, CancellationToken.None);

        outcome.Should().BeOfType<InvocationSucceeded>().Which.Result.ToString().Should().Be("Question: Why?");
    }

    private static LuminaInvoker Invoker(IServiceProvider services) => services.GetRequiredService<LuminaInvoker>();

    private static LuminaFunction Function(IServiceProvider services, string name) =>
        services.GetRequiredService<LuminaPluginRegistry>().Find("probe", name) ?? throw new InvalidOperationException($"probe.{name} is not registered.");

    private static LuminaCallContext Call(LuminaCaller caller) => new(caller);

    private static Dictionary<string, JsonElement> Json(string json) => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    private ServiceProvider Build(Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lumina:DataDirectory"] = _data,
            ["Lumina:Prompts:BuiltIn"] = "false",
            ["Lumina:Prompts:Directories:0"] = _prompts,
        }).AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddProvider(_errors));
        services.AddLumina(configuration).AddSqliteStores().AddBuiltInPlugins(configuration).AddPlugin(_probe, "probe");
        return services.BuildServiceProvider();
    }

    /// <summary>A plugin whose functions end each way a call can end.</summary>
    public sealed class ProbePlugin
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        [KernelFunction("echo"), Description("Returns the text.")]
        public string Echo([Description("Text.")] string text) => text;

        [KernelFunction("refuse"), Description("Refuses with the kind it is given.")]
        public string Refuse([Description("A refusal kind.")] string kind)
        {
            var parsed = Enum.Parse<LuminaRefusalKind>(kind);
            throw new LuminaRefusalException(parsed, $"No ({parsed}).") { RetryAfter = TimeSpan.FromSeconds(7) };
        }

        [KernelFunction("plain"), Description("Refuses without a kind.")]
        public string Plain() => throw new LuminaException("That cannot be done.");

        [KernelFunction("write"), Description("Writes.")]
        [LuminaRequires(LuminaPermission.Write)]
        [LuminaTool(Destructive = true)]
        public string Write([Description("Text.")] string text)
        {
            Interlocked.Increment(ref _writes);
            return text;
        }

        [KernelFunction("fail"), Description("Fails, quoting its argument.")]
        public string Fail([Description("A secret.")] string secret) => throw new InvalidOperationException($"boom {secret}");

        [KernelFunction("wait"), Description("Waits until cancelled.")]
        public async Task WaitAsync(CancellationToken cancellationToken)
        {
            Waiting.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    /// <summary>Keeps the errors logged, with their exceptions.</summary>
    private sealed class ErrorLog : ILoggerProvider
    {
        private readonly List<(string Message, Exception? Exception)> _entries = [];

        public IReadOnlyList<(string Message, Exception? Exception)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(ErrorLog log) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    lock (log._entries)
                    {
                        log._entries.Add((formatter(state, exception), exception));
                    }
                }
            }
        }
    }
}
