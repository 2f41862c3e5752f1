using System.Text;
using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Audit;
using Microsoft.Extensions.DependencyInjection;
using static Lumina.Plugins.Exec.Tests.ScriptedTools;

namespace Lumina.Plugins.Exec.Tests;

public sealed class CodeModeTests
{
    private static readonly string[] s_excluded = ["exec"];

    private static JsLimits Limits(
        TimeSpan? timeout = null,
        long maxStatements = 1_000_000,
        long memoryBytes = 32 * 1024 * 1024,
        int maxRecursion = 64,
        int maxToolCalls = 10,
        int outputBytes = 4096) =>
        new(timeout ?? TimeSpan.FromSeconds(5), maxStatements, memoryBytes, maxRecursion, maxToolCalls, outputBytes);

    private static Task<JsRunResult> RunAsync(string code, ILuminaTools? tools = null, JsLimits? limits = null, CancellationToken cancellationToken = default) =>
        JsCodeRunner.RunAsync(code, tools ?? new ScriptedTools(), s_excluded, limits ?? Limits(), cancellationToken);

    private static ScriptedTools Notes() => new ScriptedTools()
        .Add("notes_read", arguments => Json($$"""{"text":"hello {{arguments.GetProperty("path").GetString()}}"}"""), "Reads a note.")
        .Add("notes_fail", _ => throw new LuminaRefusalException(LuminaRefusalKind.NotFound, "There is no note 'x'."))
        .Add("notes_crash", _ => throw new InvalidOperationException("internal detail"))
        .Add("odd-name", _ => Json("42"));

    [Fact]
    public async Task RunAsync_ReturnedValue_IsTheResultAsJson()
    {
        var run = await RunAsync("const a = 1 + 2;\nreturn { a, list: [1, 'x', null], nested: { ok: true } };");

        run.Error.Should().BeNull();
        run.Result!.Value.GetRawText().Should().Be("""{"a":3,"list":[1,"x",null],"nested":{"ok":true}}""");
        run.ToolCalls.Should().Be(0);
    }

    [Fact]
    public async Task RunAsync_NothingReturned_ResultIsNull()
    {
        var run = await RunAsync("let x = 1; x++;");

        run.Error.Should().BeNull();
        run.Result.Should().BeNull();
    }

    [Fact]
    public async Task Tools_CalledWithAnObject_ReturnTheParsedResult()
    {
        var tools = Notes();

        var run = await RunAsync("const note = await tools.notes_read({ path: 'a.txt' });\nreturn note.text + '!';", tools);

        run.Error.Should().BeNull();
        run.Result!.Value.GetString().Should().Be("hello a.txt!");
        run.ToolCalls.Should().Be(1);
        var call = tools.Calls.Should().ContainSingle().Subject;
        call.Name.Should().Be("notes_read");
        call.Arguments.GetRawText().Should().Be("""{"path":"a.txt"}""");
        call.Excluded.Should().Equal("exec");
        tools.Listed.Should().ContainSingle().Which.Should().Equal("exec");
    }

    [Fact]
    public async Task Tools_ListAndCallByName_ServeNamesThatAreNotIdentifiers()
    {
        var run = await RunAsync("""
            const names = tools.list().map(t => t.name + ': ' + t.description);
            const odd = await tools.call('odd-name', {});
            const chained = await tools.notes_read({ path: 'b' }).then(n => n.text);
            const [p, q] = await Promise.all([tools.notes_read({ path: 'p' }), tools.notes_read({ path: 'q' })]);
            return { names, odd, chained, both: p.text + q.text };
            """, Notes());

        run.Error.Should().BeNull();
        var result = run.Result!.Value;
        result.GetProperty("names").EnumerateArray().Select(e => e.GetString()).Should().Contain(["notes_read: Reads a note.", "odd-name: A test tool."]);
        result.GetProperty("odd").GetInt32().Should().Be(42);
        result.GetProperty("chained").GetString().Should().Be("hello b");
        result.GetProperty("both").GetString().Should().Be("hello phello q");
        run.ToolCalls.Should().Be(4);
    }

    [Fact]
    public async Task Tools_RunAsTheCaller()
    {
        var tools = Notes();
        using var scope = new LuminaCallContextAccessor().Push(new LuminaCallContext(new LuminaCaller("ada", "Ada", "user", LuminaTransport.Http, IsAuthenticated: true)));

        var run = await RunAsync("await tools.notes_read({ path: 'a' });", tools);

        run.Error.Should().BeNull();
        tools.Calls.Should().ContainSingle().Which.CallerId.Should().Be("ada");
    }

    [Fact]
    public async Task ToolError_IsAJavaScriptErrorTheScriptCanCatch()
    {
        var run = await RunAsync("""
            try {
              await tools.notes_fail({});
            } catch (e) {
              return [e instanceof Error, e.name, e.message, e.tool];
            }
            """, Notes());

        run.Error.Should().BeNull();
        run.Result!.Value.GetRawText().Should().Be("""[true,"ToolError","There is no note 'x'.","notes_fail"]""");
    }

    [Fact]
    public async Task ToolError_Uncaught_EndsTheRunAsRefused()
    {
        var run = await RunAsync("console.log('before');\nawait tools.notes_fail({});\nconsole.log('after');", Notes());

        run.ErrorKind.Should().Be("tool_refused");
        run.Error.Should().Be("There is no note 'x'.");
        run.Output.Should().Be("before\n");
    }

    [Fact]
    public async Task ThrownObjectLookingLikeAToolError_IsAScriptError()
    {
        var run = await RunAsync("throw { name: 'ToolError', kind: 'tool_refused', message: 'spoof' };");

        run.ErrorKind.Should().Be("script_error");
    }

    [Fact]
    public async Task ToolNamedLikeAMember_DoesNotReplaceIt()
    {
        var tools = Notes().Add("list", _ => Json("\"tool\"")).Add("__proto__", _ => Json("\"proto\""));

        var run = await RunAsync("return [Array.isArray(tools.list()), await tools.call('list', {}), await tools.call('__proto__', {}), Object.getPrototypeOf(tools) === Object.prototype];", tools);

        run.Error.Should().BeNull();
        run.Result!.Value.GetRawText().Should().Be("""[true,"tool","proto",true]""");
    }

    [Fact]
    public async Task ToolFailure_DoesNotShowItsDetails()
    {
        var run = await RunAsync("await tools.notes_crash({});", Notes());

        run.ErrorKind.Should().Be("tool_failed");
        run.Error.Should().Be("The tool 'notes_crash' failed.");
    }

    [Fact]
    public async Task Console_FormatsValuesOnePerLine()
    {
        var run = await RunAsync("console.log('a', { b: 1 }, [1, 2]);\nconsole.error(new Error('bad'));\nconsole.warn(undefined, 3);");

        run.Output.Should().Be("a {\"b\":1} [1,2]\nError: bad\nundefined 3\n");
        run.OutputTruncated.Should().BeFalse();
    }

    [Fact]
    public async Task Console_OutputPastTheCap_IsDroppedAndCounted()
    {
        var run = await RunAsync("for (let i = 0; i < 100; i++) console.log('line ' + i + ' é');", limits: Limits(outputBytes: 64));

        run.Error.Should().BeNull();
        run.OutputTruncated.Should().BeTrue();
        var kept = run.Output[..run.Output.IndexOf("\n[output truncated: ", StringComparison.Ordinal)];
        Encoding.UTF8.GetByteCount(kept).Should().BeLessThanOrEqualTo(64);
        kept.Should().StartWith("line 0 é\nline 1 é\n");
        var total = Enumerable.Range(0, 100).Sum(i => Encoding.UTF8.GetByteCount($"line {i} é\n"));
        run.Output.Should().EndWith($"[output truncated: {total - Encoding.UTF8.GetByteCount(kept)} more bytes]");
    }

    [Fact]
    public async Task InfiniteLoop_StopsAtTheStatementLimit()
    {
        var run = await RunAsync("for (;;) {}", limits: Limits(maxStatements: 10_000));

        run.ErrorKind.Should().Be("statement_limit");
        run.Result.Should().BeNull();
    }

    [Fact]
    public async Task InfiniteLoop_StopsAtTheTimeout()
    {
        var run = await RunAsync("while (true) {}", limits: Limits(timeout: TimeSpan.FromMilliseconds(300), maxStatements: long.MaxValue));

        run.ErrorKind.Should().Be("timeout");
    }

    [Fact]
    public async Task AllocationBomb_StopsAtTheMemoryLimit()
    {
        var run = await RunAsync("let a = []; for (;;) a.push('x'.repeat(1e6));");

        run.ErrorKind.Should().Be("memory_limit");
    }

    [Fact]
    public async Task Allocations_AcrossToolCalls_ShareOneMemoryLimit()
    {
        // Each step alone stays far under the limit; together they do not.
        var run = await RunAsync("""
            const kept = [];
            for (let i = 0; i < 12; i++) {
              kept.push('x'.repeat(1e6));
              await tools.notes_read({ path: 'p' });
            }
            return kept.length;
            """, Notes(), Limits(memoryBytes: 16 * 1024 * 1024, maxToolCalls: 100));

        run.ErrorKind.Should().Be("memory_limit");
    }

    [Fact]
    public async Task DeepRecursion_StopsAtTheRecursionLimit()
    {
        var run = await RunAsync("function f(n) { return f(n + 1); }\nreturn f(0);");

        run.ErrorKind.Should().Be("recursion_limit");
    }

    [Fact]
    public async Task HangingTool_StopsAtTheTimeout()
    {
        var tools = new ScriptedTools().Add("slow_wait", async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return Json("null");
        });

        var run = await RunAsync("await tools.slow_wait({});", tools, Limits(timeout: TimeSpan.FromMilliseconds(500)));

        run.ErrorKind.Should().Be("timeout");
    }

    [Fact]
    public async Task ToolIgnoringCancellation_StillStopsAtTheTimeout()
    {
        var never = new TaskCompletionSource<JsonElement>();
        var tools = new ScriptedTools().Add("stuck_wait", (_, _) => never.Task);

        var run = await RunAsync("await tools.stuck_wait({});", tools, Limits(timeout: TimeSpan.FromMilliseconds(500)));

        run.ErrorKind.Should().Be("timeout");
    }

    [Fact]
    public async Task CallerCancellation_IsThrownNotReported()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tools = new ScriptedTools().Add("slow_wait", async (_, cancellationToken) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return Json("null");
        });
        using var cancellation = new CancellationTokenSource();

        var run = RunAsync("await tools.slow_wait({});", tools, cancellationToken: cancellation.Token);
        await started.Task;
        await cancellation.CancelAsync();

        await run.Awaiting(r => r).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task SyntaxError_IsReportedWithItsPosition()
    {
        var run = await RunAsync("const a = 1;\nconst b = ;");

        run.ErrorKind.Should().Be("syntax_error");
        run.Error.Should().StartWith("SyntaxError: ").And.EndWith("(line 2, column 11)");
    }

    [Fact]
    public async Task UnbalancedScript_CannotEscapeItsWrapper()
    {
        var run = await RunAsync("return 1;\n})(); (async () => {");

        run.ErrorKind.Should().Be("syntax_error");
    }

    [Fact]
    public async Task RuntimeError_IsAScriptError()
    {
        var run = await RunAsync("const o = null;\nreturn o.x;");

        run.ErrorKind.Should().Be("script_error");
        run.Error.Should().Contain("TypeError").And.Contain("null");
    }

    [Fact]
    public async Task StrictMode_RefusesImplicitGlobals()
    {
        var run = await RunAsync("undeclared = 5;");

        run.ErrorKind.Should().Be("script_error");
        run.Error.Should().Contain("ReferenceError");
    }

    [Fact]
    public async Task Script_HasNoHostAccess()
    {
        var run = await RunAsync("return [typeof require, typeof System, typeof importNamespace, typeof setTimeout, typeof fetch, typeof process];");

        run.Result!.Value.EnumerateArray().Select(e => e.GetString()).Should().OnlyContain(t => t == "undefined");
        (await RunAsync("await import('fs');")).ErrorKind.Should().Be("script_error");
        (await RunAsync("import fs from 'fs';")).ErrorKind.Should().Be("syntax_error");
    }

    [Fact]
    public async Task ToolCalls_PastTheLimit_EndTheRunEvenWhenCaught()
    {
        var tools = Notes();

        var run = await RunAsync("""
            for (let i = 0; i < 10; i++) {
              try { await tools.notes_read({ path: 'n' }); } catch (e) { console.log('caught ' + e.message); }
            }
            return 'done';
            """, tools, Limits(maxToolCalls: 3));

        run.ErrorKind.Should().Be("tool_call_limit");
        run.ToolCalls.Should().Be(3);
        tools.Calls.Should().HaveCount(3);
        run.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task RealTools_ForbiddenToolIsRefusedByTheFilter_AllowedToolWorks()
    {
        using var services = CodeModeHost.Build();
        using var scope = CodeModeHost.As(services, "gus", "guest");

        var run = await RunAsync("""
            const note = await tools.notes_read({ name: 'a' });
            const counted = await tools.notes_count({ n: 3 });
            let refused;
            try { await tools.call('vault_secret', { name: 'x' }); } catch (e) { refused = e.message; }
            let wrong;
            try { await tools.notes_count({ n: 'three' }); } catch (e) { wrong = e.message; }
            let excluded;
            try { await tools.call('exec_run', { code: '1' }); } catch (e) { excluded = e.message; }
            return { note, counted, refused, wrong, excluded, listed: tools.list().map(t => t.name) };
            """, services.GetRequiredService<ILuminaTools>());

        run.Error.Should().BeNull();
        var result = run.Result!.Value;
        result.GetProperty("note").GetString().Should().Be("note a");
        result.GetProperty("counted").GetRawText().Should().Be("[1,2,3]");
        result.GetProperty("refused").GetString().Should().StartWith("Forbidden: ").And.Contain("guest");
        result.GetProperty("wrong").GetString().Should().Contain("'n'");
        result.GetProperty("excluded").GetString().Should().Be("The tool 'exec_run' is not callable from here.");
        result.GetProperty("listed").EnumerateArray().Select(e => e.GetString()).Should().BeEquivalentTo(["notes_read", "notes_count"]);
        var records = await services.GetRequiredService<IAuditLedger>().ReadRecentAsync(20);
        records.Should().Contain(r => r.Function == "vault_secret" && r.Outcome == AuditOutcome.Denied && r.CallerId == "gus");
        records.Should().Contain(r => r.Function == "notes_read" && r.Outcome == AuditOutcome.Ok && r.CallerId == "gus");
    }

    [Fact]
    public async Task RealTools_UncaughtRefusal_EndsTheRunAsRefused()
    {
        using var services = CodeModeHost.Build();
        using var scope = CodeModeHost.As(services, "gus", "guest");

        var run = await RunAsync("return await tools.call('vault_secret', { name: 'x' });", services.GetRequiredService<ILuminaTools>());

        run.ErrorKind.Should().Be("tool_refused");
        run.Error.Should().StartWith("Forbidden: ");
    }
}
