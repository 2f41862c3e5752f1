using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Acornima;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Runtime;
using Jint.Runtime.Interop;
using Lumina.Abstractions;
using JintJsonSerializer = Jint.Native.Json.JsonSerializer;

namespace Lumina.Plugins.Exec;

/// <summary>
/// Code mode: runs a JavaScript script in the Jint interpreter, in-process, with the caller's tools as functions
/// (<c>await tools.files_read({ path: "a.txt" })</c>), so one script replaces many model round trips.
/// </summary>
/// <remarks>
/// <para>
/// The script has nothing but the language, <c>console</c> and <c>tools</c>: no CLR access (the engine is never given
/// <c>AllowClr</c> nor a .NET object), no modules (<c>import</c> is a syntax error, <c>import()</c> fails), no timers, no
/// file system. Statements, allocations, recursion depth, wall-clock time, tool calls and output are bounded; reaching a
/// limit ends the run with an <see cref="JsRunResult.ErrorKind"/> saying which, never the host.
/// </para>
/// <para>
/// The whole run is on one dedicated thread: Jint's memory limit counts the allocations of the thread it runs on
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>). Tool calls are therefore synchronous from the interpreter's
/// side: a call runs <see cref="ILuminaTools.CallAsync"/> on the thread pool (so the tool's own allocations are not
/// charged to the script) and the interpreter's thread waits for it, bounded by the run's deadline. The tool functions
/// are still <c>async</c> JavaScript functions, so scripts written for a real event loop (<c>await</c>,
/// <c>Promise.all</c>, <c>.then</c>) work unchanged; calls just run one after another. Jint's experimental task
/// interop was not used: it would settle promises from thread-pool continuations, which the per-thread memory
/// accounting and the one-thread engine do not expect. The dedicated thread is a task, so it carries the caller's
/// <see cref="ExecutionContext"/>, and with it the call context every kernel filter reads.
/// </para>
/// </remarks>
internal static class JsCodeRunner
{
    private const string SourceName = "script.js";

    /// <summary>Defines <c>console</c> and <c>tools</c> from the host's primitives, and returns the error class of tool calls.</summary>
    private const string Prelude = """
        (function (call, write, listed) {
          'use strict';
          class ToolError extends Error {
            constructor(message, tool, kind) {
              super(message);
              this.name = 'ToolError';
              this.tool = tool;
              this.kind = kind;
            }
          }
          const format = value => {
            if (typeof value === 'string') return value;
            if (value instanceof Error) return String(value);
            try {
              const json = JSON.stringify(value);
              return json === undefined ? String(value) : json;
            } catch {
              return String(value);
            }
          };
          const log = (...values) => { write(values.map(format).join(' ')); };
          globalThis.console = Object.freeze({ log, info: log, warn: log, error: log, debug: log });
          const names = new Set(listed.map(t => t.name));
          const invoke = async (name, args) => call(name, args === undefined ? {} : args);
          const tools = {
            list: () => listed.map(t => ({ name: t.name, description: t.description })),
            call: (name, args) => invoke(String(name), args),
          };
          for (const name of names) {
            // Defined, not assigned: a tool named like an Object.prototype member (__proto__) stays a plain property,
            // and none replaces list or call.
            if (!Object.prototype.hasOwnProperty.call(tools, name)) {
              Object.defineProperty(tools, name, { value: args => invoke(name, args), enumerable: true });
            }
          }
          globalThis.tools = Object.freeze(tools);
          return ToolError;
        })
        """;

    /// <summary>Runs <paramref name="code"/> (a function body: top-level <c>await</c> and <c>return</c> work) with the caller's tools.</summary>
    /// <param name="code">The script.</param>
    /// <param name="tools">The caller's tools; every call goes through the kernel filters as the current caller.</param>
    /// <param name="excludedPlugins">Plugins whose tools the script may not see or call (the exec plugin itself).</param>
    /// <param name="limits">The run's limits.</param>
    /// <param name="cancellationToken">The caller's cancellation; it is thrown, not reported as a result.</param>
    public static async Task<JsRunResult> RunAsync(
        string code,
        ILuminaTools tools,
        IReadOnlyCollection<string> excludedPlugins,
        JsLimits limits,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(excludedPlugins);
        ArgumentNullException.ThrowIfNull(limits);
        cancellationToken.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();

        if (CheckSyntax(code) is { } syntaxError)
        {
            return new JsRunResult(null, string.Empty, false, syntaxError, "syntax_error", 0, Stopwatch.GetElapsedTime(started));
        }

        var listed = tools.List(excludedPlugins);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limits.Timeout);
        var run = new Run(tools, excludedPlugins, listed, limits, deadline.Token);

        // LongRunning: a thread of its own, not a pool thread, for the memory accounting (see remarks). A task, unlike
        // UnsafeStart, flows the ExecutionContext, so tool calls run as the caller.
        var (result, error, kind) = await Task.Factory.StartNew(
            () => run.Execute(code),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).ConfigureAwait(false);
        if (kind == "timeout")
        {
            // The deadline and the caller share one token: the caller's cancellation is thrown, never reported.
            cancellationToken.ThrowIfCancellationRequested();
        }

        return new JsRunResult(result, run.Output.Text, run.Output.Truncated, error, kind, run.ToolCalls, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Parses the script as the body it will run as; the parser's message and position (in the script's own lines) on error.</summary>
    private static string? CheckSyntax(string code)
    {
        try
        {
            var options = new ParserOptions { AllowReturnOutsideFunction = true, AllowAwaitOutsideFunction = true };
            new Parser(options).ParseScript(code, SourceName, strict: true);
            return null;
        }
        catch (ParseErrorException ex)
        {
            // Acornima counts columns from 0; editors (and Jint's own messages) from 1.
            return string.Create(CultureInfo.InvariantCulture, $"SyntaxError: {ex.Description} (line {ex.LineNumber}, column {ex.Column + 1})");
        }
    }

    /// <summary>One run: the engine, its tool calls and its output, all on the run's thread.</summary>
    private sealed class Run(ILuminaTools tools, IReadOnlyCollection<string> excludedPlugins, IReadOnlyList<LuminaToolInfo> listed, JsLimits limits, CancellationToken deadline)
    {
        // The tool errors this run threw, by identity: an object the script throws itself is a script error, whatever it says.
        private readonly Dictionary<JsValue, (string Message, string Kind)> _toolErrors = new(ReferenceEqualityComparer.Instance);
        private JsValue _toolError = JsValue.Undefined;

        public ConsoleOutput Output { get; } = new(limits.OutputBytes);

        public int ToolCalls { get; private set; }

        public (JsonElement? Result, string? Error, string? Kind) Execute(string code)
        {
            try
            {
                using var engine = new Engine(options =>
                {
                    options.LimitMemory(limits.MemoryBytes)
                        .MaxStatements((int)Math.Clamp(limits.MaxStatements, 1, int.MaxValue))
                        .LimitRecursion(limits.MaxRecursion)
                        .TimeoutInterval(limits.Timeout)
                        .CancellationToken(deadline)
                        .Strict();

                    // The default, stated: no CLR types or objects. A CLR exception thrown by a host function is not
                    // catchable by the script (also the default): the tool-call limit and the deadline rely on that.
                    options.Interop.Enabled = false;
                    options.Constraints.RegexTimeout = limits.Timeout;
                    options.Constraints.PromiseTimeout = limits.Timeout;
                });
                Install(engine);

                // The checked body is balanced, so it cannot close the wrapper early; the closing line keeps a trailing
                // line comment from swallowing it.
                var completion = engine.Evaluate("(async () => {" + code + "\n})()", SourceName).UnwrapIfPromise(deadline);
                return (ToJson(engine, completion), null, null);
            }
            catch (PromiseRejectedException ex)
            {
                return Rejected(ex.RejectedValue);
            }
            catch (JavaScriptException ex)
            {
                return Rejected(ex.Error);
            }
            catch (ToolCallLimitException ex)
            {
                return (null, ex.Message, "tool_call_limit");
            }
            catch (StatementsCountOverflowException)
            {
                return (null, $"The script executed more than {limits.MaxStatements} statements.", "statement_limit");
            }
            catch (MemoryLimitExceededException)
            {
                return (null, $"The script allocated more than {limits.MemoryBytes} bytes.", "memory_limit");
            }
            catch (RecursionDepthOverflowException)
            {
                return (null, $"The script nested calls deeper than {limits.MaxRecursion}.", "recursion_limit");
            }
            catch (InsufficientExecutionStackException)
            {
                return (null, "The script nested calls too deeply.", "recursion_limit");
            }
            catch (Exception ex) when (ex is TimeoutException or ExecutionCanceledException or OperationCanceledException)
            {
                return (null, string.Create(CultureInfo.InvariantCulture, $"The script did not finish within {limits.Timeout.TotalSeconds:0.###} s."), "timeout");
            }
            catch (InvalidOperationException ex)
            {
                // What the engine refuses to do for a script, such as import() with modules disabled.
                return (null, ex.Message, "script_error");
            }
            catch (JintException ex)
            {
                return (null, ex.Message, "script_error");
            }
        }

        private void Install(Engine engine)
        {
            var call = new ClrFunction(engine, "call", (_, arguments) => Call(engine, arguments.At(0).ToString(), arguments.At(1)), 2);
            var write = new ClrFunction(engine, "write", (_, arguments) =>
            {
                Output.Append(arguments.At(0).ToString());
                return JsValue.Undefined;
            }, 1);
            var list = new JsonParser(engine).Parse(System.Text.Json.JsonSerializer.Serialize(
                listed.Select(t => new Dictionary<string, string> { ["name"] = t.Name, ["description"] = t.Description })));
            _toolError = engine.Invoke(engine.Evaluate(Prelude, "prelude.js"), call, write, list);
        }

        /// <summary>One tool call, made synchronously on the run's thread (see the class remarks).</summary>
        private JsValue Call(Engine engine, string name, JsValue arguments)
        {
            if (ToolCalls >= limits.MaxToolCalls)
            {
                // A CLR exception, not a JavaScript error: the script cannot catch it and carry on.
                throw new ToolCallLimitException($"The script called tools more than {limits.MaxToolCalls} times.");
            }

            ToolCalls++;
            var json = new JintJsonSerializer(engine).Serialize(arguments);
            JsonElement request;
            using (var document = JsonDocument.Parse(json.IsUndefined() ? "null" : json.ToString()))
            {
                // A copy of its own: a tool still running after the deadline may read it after this call returned.
                request = document.RootElement.Clone();
            }

            JsonElement result;
            try
            {
                result = Task.Run(() => tools.CallAsync(name, request, excludedPlugins, deadline), CancellationToken.None)
                    .WaitAsync(deadline)
                    .GetAwaiter()
                    .GetResult();
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw;
            }
            catch (LuminaException ex)
            {
                throw ToolError(engine, ex.Message, name, "tool_refused");
            }
            catch (Exception)
            {
                // The contract says failures are LuminaExceptions; anything else may carry internals, so it is not shown.
                throw ToolError(engine, $"The tool '{name}' failed.", name, "tool_failed");
            }

            return new JsonParser(engine).Parse(result.GetRawText());
        }

        private JavaScriptException ToolError(Engine engine, string message, string name, string kind)
        {
            var error = engine.Construct(_toolError, [message, name, kind]);
            _toolErrors[error] = (message, kind);
            return new JavaScriptException(error);
        }

        private (JsonElement? Result, string? Error, string? Kind) Rejected(JsValue value) =>
            _toolErrors.TryGetValue(value, out var toolError)
                ? (null, toolError.Message, toolError.Kind)
                : (null, value.ToString(), "script_error");

        private static JsonElement? ToJson(Engine engine, JsValue value)
        {
            if (value.IsUndefined())
            {
                return null;
            }

            var json = new JintJsonSerializer(engine).Serialize(value);
            if (json.IsUndefined())
            {
                return null;
            }

            using var document = JsonDocument.Parse(json.ToString());
            return document.RootElement.Clone();
        }
    }

    /// <summary>The script called more tools than its limit allows.</summary>
    private sealed class ToolCallLimitException(string message) : Exception(message);

    /// <summary>Console output kept up to a number of UTF-8 bytes; the rest counted, and noted at the end.</summary>
    private sealed class ConsoleOutput(int capBytes)
    {
        private readonly StringBuilder _kept = new();
        private long _keptBytes;
        private long _droppedBytes;

        public bool Truncated => _droppedBytes > 0;

        public string Text => Truncated
            ? string.Create(CultureInfo.InvariantCulture, $"{_kept}\n[output truncated: {_droppedBytes} more bytes]")
            : _kept.ToString();

        public void Append(string text)
        {
            var line = text + "\n";
            var bytes = Encoding.UTF8.GetByteCount(line);
            var room = capBytes - _keptBytes;
            if (_droppedBytes == 0 && bytes <= room)
            {
                _kept.Append(line);
                _keptBytes += bytes;
                return;
            }

            // Keep the whole characters that fit, once; count everything after.
            var kept = 0;
            if (_droppedBytes == 0 && room > 0)
            {
                var length = 0;
                while (length < line.Length)
                {
                    var step = char.IsHighSurrogate(line[length]) && length + 1 < line.Length ? 2 : 1;
                    var size = Encoding.UTF8.GetByteCount(line.AsSpan(length, step));
                    if (kept + size > room)
                    {
                        break;
                    }

                    kept += size;
                    length += step;
                }

                _kept.Append(line, 0, length);
                _keptBytes += kept;
            }

            _droppedBytes += bytes - kept;
        }
    }
}
