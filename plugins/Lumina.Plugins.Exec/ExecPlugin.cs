using System.ComponentModel;
using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Plugins.Exec;

/// <summary>
/// Runs shell commands and Python, Node or shell programs in a bubblewrap sandbox — no network, the system read-only,
/// the allowed roots read-only, a fresh scratch directory, rlimits, a clean environment, everything killed at the
/// timeout — and JavaScript in code mode, an in-process interpreter whose functions are the caller's own tools.
/// </summary>
/// <remarks>
/// Served only where <see cref="SandboxProbe"/> found a working sandbox (or <c>Lumina:Exec:Sandbox=none</c> opts out).
/// Needs the <c>execute</c> permission; annotated destructive and open-world, so the policy guard asks the user first.
/// docs/exec.md has the settings and the threat model.
/// </remarks>
[LuminaRequires(LuminaPermission.Execute)]
[LuminaPlugin(PluginName, Description = "Runs commands and code (sh, python, node) in a sandbox without network access, and JavaScript that calls Lumina's tools (code mode).")]
public sealed class ExecPlugin : IDisposable
{
    /// <summary>The plugin's name; code mode never offers its own functions to a script.</summary>
    public const string PluginName = "exec";

    private static readonly string[] s_languages = ["sh", "python", "node", "js"];
    private static readonly string[] s_self = [PluginName];
    private static readonly string[] s_interpreterFolders = ["/usr/bin/", "/usr/local/bin/"];

    private readonly ExecOptions _options;
    private readonly SandboxRunner _runner;
    private readonly KeptScratch _kept;
    private readonly ILuminaCallContextAccessor _context;
    private readonly ILuminaHostPaths _hostPaths;
    private readonly ILuminaTools _tools;
    private readonly string _scratchRoot;

    /// <summary>Creates the plugin.</summary>
    /// <param name="options">Sandbox, limits and caps (<c>Lumina:Exec</c>).</param>
    /// <param name="sandbox">What the start-up probe found.</param>
    /// <param name="context">The current call: its caller, roots and cancellation.</param>
    /// <param name="hostPaths">The host's own folders, never visible in the sandbox.</param>
    /// <param name="tools">The caller's tools, for code mode.</param>
    /// <param name="time">The clock kept scratch directories expire on.</param>
    internal ExecPlugin(ExecOptions options, SandboxProbe sandbox, ILuminaCallContextAccessor context, ILuminaHostPaths hostPaths, ILuminaTools tools, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sandbox);
        _options = options;
        _context = context ?? throw new ArgumentNullException(nameof(context));
        _hostPaths = hostPaths ?? throw new ArgumentNullException(nameof(hostPaths));
        _tools = tools ?? throw new ArgumentNullException(nameof(tools));
        _runner = new SandboxRunner(options, sandbox);
        _kept = new KeptScratch(time ?? TimeProvider.System);
        _scratchRoot = string.IsNullOrEmpty(options.ScratchDirectory) ? Path.Combine(Path.GetTempPath(), "lumina-exec") : options.ScratchDirectory;

        // Runs a stopped host left behind.
        RunDirectories.Sweep(_scratchRoot, DateTime.UtcNow - options.MaxTimeout - options.KeepScratch - TimeSpan.FromMinutes(10));
    }

    /// <summary>Creates the plugin from the host's services.</summary>
    public ExecPlugin(ExecOptions options, ExecSandbox sandbox, ILuminaCallContextAccessor context, ILuminaHostPaths hostPaths, ILuminaTools tools, TimeProvider time)
        : this(options, (sandbox ?? throw new ArgumentNullException(nameof(sandbox))).Probe, context, hostPaths, tools, time)
    {
    }

    /// <summary>Releases the run slots.</summary>
    public void Dispose() => _runner.Dispose();

    /// <summary>Runs a command or a program in the sandbox, or a script in code mode.</summary>
    [KernelFunction("run")]
    [Description("Runs a shell command, or a program in sh, python or node, in a sandbox: no network, the system read-only, the allowed folders read-only, a fresh writable scratch directory (/scratch, the working directory), a time limit. Returns stdout, stderr, the exit code and the duration. language=js runs JavaScript in code mode instead: the caller's tools are functions (`const text = await tools.files_read({path: 'a.txt'})`; `tools.list()` lists them), so one script can do the work of many tool calls; `return` a value to get it back as result.")]
    [LuminaTool(Title = "Run code in a sandbox", Destructive = true, OpenWorld = true, TaskSupport = LuminaTaskSupport.Optional)]
    public async Task<ExecResult> RunAsync(
        [Description("A shell command line (run by /bin/sh -c). Give either command or code.")] string? command = null,
        [Description("A program's source, in the given language. Give either command or code.")] string? code = null,
        [Description("The language of code: sh, python, node or js (code mode). Default sh.")] string language = "sh",
        [Description("Text given to the program on its standard input.")] string? stdin = null,
        [Description("Seconds the run may take before it is killed; default and ceiling are configured (30 s and 5 min unless changed).")] int? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var lang = (language ?? "sh").Trim().ToLowerInvariant();
        if (!s_languages.Contains(lang))
        {
            throw new LuminaRefusalException($"language must be one of {string.Join(", ", s_languages)} (got '{language}').");
        }

        if (string.IsNullOrEmpty(command) == string.IsNullOrEmpty(code))
        {
            throw new LuminaRefusalException("Give either command (a shell command line) or code (a program in the given language), not both and not neither.");
        }

        if (command is not null && lang != "sh")
        {
            throw new LuminaRefusalException($"command is a shell command line; to run {lang}, give the program as code with language={lang}.");
        }

        if (timeout is { } seconds && (seconds < 1 || TimeSpan.FromSeconds(seconds) > _options.MaxTimeout))
        {
            throw new LuminaRefusalException($"timeout must be between 1 and {(int)_options.MaxTimeout.TotalSeconds} seconds (got {seconds}).");
        }

        var limit = timeout is { } t ? TimeSpan.FromSeconds(t) : _options.Timeout;
        if (lang == "js")
        {
            if (stdin is not null)
            {
                throw new LuminaRefusalException("stdin is not used by code mode (language=js).");
            }

            return await RunScriptAsync(code!, limit, cancellationToken).ConfigureAwait(false);
        }

        return await RunProgramAsync(command, code, lang, stdin, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A kept run's scratch directory: its files, as JSON.</summary>
    [KernelFunction("scratch")]
    [Description("The files a kept run left in its scratch directory (runs are kept when Lumina:Exec:KeepScratch is set), readable by the caller whose run it was.")]
    [LuminaResource("exec://runs/{run}", Name = "run", Title = "Kept run scratch directory", MimeType = "application/json")]
    public string Scratch([Description("The run id.")] string run)
    {
        _kept.Sweep();
        return _kept.List(run, _context.Current.Caller.Id);
    }

    /// <summary>One file of a kept run's scratch directory.</summary>
    [KernelFunction("scratch_file")]
    [Description("One file a kept run left in its scratch directory (at most 1 MiB; links are never followed).")]
    [LuminaResource("exec://runs/{run}/{+path}", Name = "run file", Title = "File of a kept run")]
    public object ScratchFile([Description("The run id.")] string run, [Description("The file's path inside the scratch directory.")] string path)
    {
        _kept.Sweep();
        var bytes = _kept.Read(run, path, _context.Current.Caller.Id);
        return KeptScratch.IsText(bytes) ? System.Text.Encoding.UTF8.GetString(bytes) : bytes;
    }

    private async Task<ExecResult> RunProgramAsync(string? command, string? code, string language, string? stdin, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _kept.Sweep();
        var context = _context.Current;
        var roots = await RootsAsync(context, cancellationToken).ConfigureAwait(false);
        var protectedFolders = _hostPaths.ProtectedFolders.Select(f => LuminaRoots.RealPath(Path.GetFullPath(f))).ToList();
        protectedFolders.Add(_scratchRoot);
        var run = RunDirectories.Create(_scratchRoot, Guid.NewGuid().ToString("N"));
        var keep = false;
        try
        {
            var program = Program(command, code, language, run);
            var result = await _runner.RunAsync(run, language, program, stdin, timeout, roots, protectedFolders, cancellationToken).ConfigureAwait(false);
            if (_options.KeepScratch > TimeSpan.Zero)
            {
                _kept.Keep(run, context.Caller.Id, _options.KeepScratch);
                keep = true;
                return result with { Scratch = $"exec://runs/{run.Id}" };
            }

            return result;
        }
        finally
        {
            if (!keep)
            {
                RunDirectories.Delete(run.Root);
            }
        }
    }

    /// <summary>The program's command line as seen inside the sandbox, its source written to the run's code folder.</summary>
    private IReadOnlyList<string> Program(string? command, string? code, string language, RunDirectory run)
    {
        if (command is not null)
        {
            return ["/bin/sh", "-c", command];
        }

        var (file, interpreter) = language switch
        {
            "python" => ("main.py", Interpreter("python3")),
            "node" => ("main.js", Interpreter("node")),
            _ => ("main.sh", "/bin/sh"),
        };
        RunDirectories.WriteCode(run, file, code!);
        var path = _options.Sandboxed ? $"{SandboxCommand.CodePath}/{file}" : Path.Combine(run.Code, file);
        return language == "python" ? [interpreter, "-I", path] : [interpreter, path];
    }

    /// <summary>An interpreter under <c>/usr</c> (what the sandbox mounts).</summary>
    private static string Interpreter(string name) =>
        s_interpreterFolders.Select(dir => dir + name).FirstOrDefault(File.Exists)
        ?? throw new LuminaRefusalException($"{name} is not installed on this host (looked in /usr/bin and /usr/local/bin).");

    /// <summary>The roots the files plugin would open to this call, real paths; never <c>/</c> (it would show the whole system).</summary>
    private async Task<IReadOnlyList<string>> RootsAsync(ILuminaCallContext context, CancellationToken cancellationToken)
    {
        var configured = Real(_options.Roots);
        var declared = context.Caller.Transport == LuminaTransport.InProcess
            ? []
            : Real(LuminaRoots.LocalPaths(await context.GetRootsAsync(cancellationToken).ConfigureAwait(false)));
        var protectedFolders = Real(_hostPaths.ProtectedFolders);
        return [.. LuminaRoots.Effective(context.Caller, configured, declared)
            .Where(r => r != "/" && Directory.Exists(r) && !LuminaRoots.IsProtected(r, protectedFolders))];
    }

    private static List<string> Real(IEnumerable<string> paths) =>
        [.. paths.Where(p => !string.IsNullOrWhiteSpace(p) && Path.IsPathFullyQualified(p))
            .Select(p => Path.TrimEndingDirectorySeparator(LuminaRoots.RealPath(Path.GetFullPath(p))))
            .Distinct(StringComparer.FromComparison(LuminaRoots.Comparison))];

    private async Task<ExecResult> RunScriptAsync(string code, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var script = _options.Script;
        var limits = new JsLimits(timeout, script.MaxStatements, script.MemoryMb * 1024L * 1024, script.MaxRecursion, script.MaxToolCalls, _options.OutputBytes);
        var result = await JsCodeRunner.RunAsync(code, _tools, s_self, limits, cancellationToken).ConfigureAwait(false);
        return new ExecResult("js", result.Error is null ? 0 : 1, result.Output, result.Error ?? string.Empty, (long)result.Duration.TotalMilliseconds, Stopped(result.ErrorKind))
        {
            StdoutTruncated = result.OutputTruncated,
            Result = result.Result,
            ToolCalls = result.ToolCalls,
        };
    }

    private static string? Stopped(string? errorKind) =>
        errorKind is "timeout" or "statement_limit" or "memory_limit" or "recursion_limit" or "tool_call_limit" or "cancelled" ? errorKind : null;
}
