using System.Security.Cryptography;
using System.Text;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Lumina.Workflows.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lumina.Workflows.Serving;

/// <summary>
/// Serves the workflow files — the shipped examples (<c>workflows/</c> beside the program) and every folder of
/// <c>Lumina:Workflows:Directories</c> — as the plugin <c>workflow</c>, one tool per valid file. Files are validated
/// against the tools served now, and again whenever the files or the served plugins change (a federated server that
/// connects later makes its workflows valid); a change of what is served reaches clients as <c>list_changed</c>.
/// </summary>
public sealed partial class WorkflowCatalogService : IHostedLifecycleService, ILuminaPluginSource, ILuminaStartupLoad, IDisposable
{
    /// <summary>The plugin the workflows are served in: their tools are <c>workflow_&lt;name&gt;</c>.</summary>
    public const string PluginName = "workflow";

    private const string Source = LuminaPluginSources.Workflows;
    private static readonly TimeSpan s_settle = TimeSpan.FromMilliseconds(250);
    private static readonly LuminaCaller s_validator = new("lumina-workflows", "Workflow validation", "admin", LuminaTransport.InProcess, IsAuthenticated: false);

    private readonly LuminaPluginRegistry _registry;
    private readonly WorkflowOptions _options;
    private readonly IServiceProvider _services;
    private readonly ILogger<WorkflowCatalogService> _logger;
    private readonly Lock _gate = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Dictionary<string, string> _reported = new(StringComparer.Ordinal);
    private IReadOnlyList<LoadedWorkflow> _served = [];
    private string _fingerprint = string.Empty;
    private int _reloadPending;
    private volatile bool _started;
    private readonly Lazy<Task> _initial;
    private Task _following = Task.CompletedTask;

    /// <summary>Creates the service.</summary>
    public WorkflowCatalogService(LuminaPluginRegistry registry, IOptions<WorkflowOptions> options, IServiceProvider services, ILogger<WorkflowCatalogService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _options = options.Value;
        _services = services;
        _logger = logger;
        _initial = new(() => Task.Run(FirstLoad, CancellationToken.None));
    }

    /// <summary>The workflows served now.</summary>
    public IReadOnlyList<LoadedWorkflow> Workflows => Volatile.Read(ref _served);

    /// <summary>What the last load found wrong, file by file.</summary>
    public IReadOnlyList<WorkflowError> Errors { get; private set; } = [];

    /// <summary>The folders workflow files are read from, the shipped one first.</summary>
    public IReadOnlyList<string> Folders =>
        [.. (_options.Examples ? [Path.Combine(AppContext.BaseDirectory, "workflows")] : Array.Empty<string>()).Concat(_options.Directories.Select(Path.GetFullPath))];

    /// <summary>The served workflow named <paramref name="name"/>, or null.</summary>
    public LoadedWorkflow? Find(string name) => Workflows.FirstOrDefault(w => string.Equals(w.Definition.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// Follows the files and the served plugins after their first load (<see cref="LoadAsync"/>), which the MCP catalog
    /// may have started already.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _started = true;
        _following = FollowAsync();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The first load of the workflow files, started by whoever asks first — the MCP catalog as it is built, or the
    /// host's start — and run beside the rest of the start (10% of a published start, bench/README.md): the files are
    /// read and parsed while the plugins are created, then validated against them. The catalog waits for it before it
    /// first serves, lists and <c>workflow://definitions</c> through <see cref="EnsureStartedAsync"/>, and the host's
    /// start ends after it (<see cref="StartedAsync"/>), so nothing made at start misses a workflow.
    /// </summary>
    public Task LoadAsync() => _initial.Value;

    /// <summary>Waits for the first load of the workflow files, so a list or call made at start sees the workflows.</summary>
    public ValueTask EnsureStartedAsync(CancellationToken cancellationToken) => new(LoadAsync().WaitAsync(cancellationToken));

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The host's start ends with the workflows loaded and followed: a .NET program that invokes the kernel next finds them.</summary>
    public Task StartedAsync(CancellationToken cancellationToken) => _following.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _started = false;
        await _following.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _registry.Changed -= OnChanged;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _registry.Changed -= OnChanged;
        lock (_watchers)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Dispose();
            }

            _watchers.Clear();
        }
    }

    private void FirstLoad()
    {
        try
        {
            Reload();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or LuminaException)
        {
            LogReloadFailed(ex);
        }
    }

    private async Task FollowAsync()
    {
        // After the first load, so that its own change of the registry does not read the files again.
        await LoadAsync().ConfigureAwait(false);
        if (!_started)
        {
            return;
        }

        _registry.Changed += OnChanged;
        lock (_watchers)
        {
            foreach (var folder in Folders.Where(Directory.Exists))
            {
                var watcher = new FileSystemWatcher(folder) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
                watcher.Created += (_, _) => OnChanged(this, EventArgs.Empty);
                watcher.Changed += (_, _) => OnChanged(this, EventArgs.Empty);
                watcher.Deleted += (_, _) => OnChanged(this, EventArgs.Empty);
                watcher.Renamed += (_, _) => OnChanged(this, EventArgs.Empty);
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
        }
    }

    /// <summary>Reads every workflow file again and serves the valid ones, if anything changed.</summary>
    public void Reload()
    {
        lock (_gate)
        {
            var (parsed, errors) = Read();
            var catalog = Catalog(parsed);
            var valid = new List<LoadedWorkflow>();
            foreach (var workflow in parsed)
            {
                var problems = WorkflowValidator.Validate(workflow.Definition, catalog);
                if (problems.Count == 0)
                {
                    valid.Add(workflow);
                }
                else
                {
                    errors.AddRange(problems);
                }
            }

            errors.AddRange(Cycles(valid, out var cyclic));
            valid.RemoveAll(w => cyclic.Contains(w.Definition.Name));
            Report(errors);
            Errors = errors;
            var fingerprint = string.Join('\n', valid.Select(w => w.Definition.Name + ":" + Hash(w.Text)));
            if (fingerprint == _fingerprint)
            {
                return;
            }

            _fingerprint = fingerprint;
            if (valid.Count == 0)
            {
                _registry.RemoveBySource(Source);
            }
            else if (!_registry.Replace(LuminaPluginFactory.FromFunctions(PluginName, "Declarative workflows: multi-step work over Lumina's tools, resumable after a crash.", valid.Select(w => WorkflowFunction.Create(w, _services)), Source)))
            {
                LogPluginTaken(PluginName);
            }

            // After the registry: once Workflows or Find name a workflow, its tool is served (a list never shows one
            // that tools/list and a call do not have yet).
            Volatile.Write(ref _served, valid);
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var tools = string.Join(", ", valid.Select(w => w.Definition.ToolName));
                LogServed(valid.Count, tools);
            }
        }
    }

    private void OnChanged(object? sender, EventArgs e)
    {
        if (Interlocked.Exchange(ref _reloadPending, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            await Task.Delay(s_settle).ConfigureAwait(false);
            Interlocked.Exchange(ref _reloadPending, 0);
            if (!_started)
            {
                return;
            }

            try
            {
                Reload();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or LuminaException)
            {
                LogReloadFailed(ex);
            }
        });
    }

    /// <summary>Every workflow file that parses, and the errors of those that do not; a name served twice is served from its first file.</summary>
    private (List<LoadedWorkflow> Parsed, List<WorkflowError> Errors) Read()
    {
        var parsed = new List<LoadedWorkflow>();
        var errors = new List<WorkflowError>();
        foreach (var folder in Folders.Where(Directory.Exists))
        {
            var files = Directory.EnumerateFiles(folder, "*.yaml").Concat(Directory.EnumerateFiles(folder, "*.yml")).Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                var shown = file.StartsWith(AppContext.BaseDirectory, StringComparison.Ordinal) ? Path.GetRelativePath(AppContext.BaseDirectory, file) : file;
                try
                {
                    var text = File.ReadAllText(file);
                    var definition = WorkflowLoader.Parse(text, shown);
                    if (parsed.FirstOrDefault(p => p.Definition.Name == definition.Name) is { } first)
                    {
                        errors.Add(new WorkflowError(shown, definition.Line, null, $"the workflow '{definition.Name}' is already served from {first.Path}"));
                        continue;
                    }

                    parsed.Add(new LoadedWorkflow(definition, text, file));
                }
                catch (WorkflowValidationException ex)
                {
                    errors.AddRange(ex.Errors);
                }
                catch (IOException ex)
                {
                    errors.Add(new WorkflowError(shown, 1, null, $"cannot be read: {ex.Message}"));
                }
            }
        }

        return (parsed, errors);
    }

    /// <summary>The tools a workflow may call: every tool an admin sees (the workflows' own plugin left out) and the workflows read now.</summary>
    private WorkflowCatalog Catalog(IEnumerable<LoadedWorkflow> workflows)
    {
        var accessor = _services.GetRequiredService<ILuminaCallContextAccessor>();
        using var _ = accessor.Push(new LuminaCallContext(s_validator));
        var tools = _services.GetRequiredService<ILuminaTools>().List([PluginName]);
        return new WorkflowCatalog(tools).With(workflows.Select(w => w.Definition));
    }

    /// <summary>Workflows that call themselves through other workflows: each is reported and not served.</summary>
    private static List<WorkflowError> Cycles(List<LoadedWorkflow> workflows, out HashSet<string> cyclic)
    {
        var calls = workflows.ToDictionary(
            w => w.Definition.Name,
            w => w.Definition.AllSteps().Select(s => s.Call).OfType<string>().Where(c => c.StartsWith(WorkflowDefinition.ToolPrefix, StringComparison.Ordinal)).Select(c => c[WorkflowDefinition.ToolPrefix.Length..]).ToList(),
            StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        var errors = new List<WorkflowError>();
        foreach (var workflow in workflows)
        {
            var name = workflow.Definition.Name;
            var path = new List<string> { name };
            if (Reaches(name, name, calls, path, new HashSet<string>(StringComparer.Ordinal)))
            {
                found.Add(name);
                errors.Add(new WorkflowError(workflow.Definition.SourceFile, workflow.Definition.Line, null, $"a cycle of workflows: {string.Join(" -> ", path.Select(p => WorkflowDefinition.ToolPrefix + p))}"));
            }
        }

        cyclic = found;
        return errors;
    }

    private static bool Reaches(string from, string target, Dictionary<string, List<string>> calls, List<string> path, HashSet<string> seen)
    {
        if (!calls.TryGetValue(from, out var next))
        {
            return false;
        }

        foreach (var callee in next)
        {
            path.Add(callee);
            if (callee == target || (seen.Add(callee) && Reaches(callee, target, calls, path, seen)))
            {
                return true;
            }

            path.RemoveAt(path.Count - 1);
        }

        return false;
    }

    /// <summary>Logs each file's problems once, until they change.</summary>
    private void Report(List<WorkflowError> errors)
    {
        var byFile = errors.GroupBy(e => e.File).ToDictionary(g => g.Key, g => string.Join(Environment.NewLine, g), StringComparer.Ordinal);
        foreach (var (file, text) in byFile)
        {
            if (!_reported.TryGetValue(file, out var before) || before != text)
            {
                LogInvalid(file, text);
            }
        }

        _reported.Clear();
        foreach (var (file, text) in byFile)
        {
            _reported[file] = text;
        }
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    [LoggerMessage(Level = LogLevel.Error, Message = "The workflow file {File} is not served:\n{Errors}")]
    private partial void LogInvalid(string file, string errors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Count} workflows: {Tools}.")]
    private partial void LogServed(int count, string tools);

    [LoggerMessage(Level = LogLevel.Error, Message = "Workflows are not served: another plugin is named '{Plugin}' (or Lumina:Plugins:Disabled names it).")]
    private partial void LogPluginTaken(string plugin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The workflow files could not be read again.")]
    private partial void LogReloadFailed(Exception exception);
}
