using System.Threading.Channels;
using Lumina.Core.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lumina.Core.Plugins;

/// <summary>
/// Loads plugin assemblies copied into <c>Lumina:Plugins:Directories</c> while the host runs, and unloads the ones
/// removed. Clients learn of it through list-changed notifications raised by <see cref="LuminaPluginRegistry.Changed"/>.
/// </summary>
internal sealed partial class PluginDirectoryWatcher(
    LuminaPluginRegistry registry,
    IOptions<LuminaOptions> options,
    TimeProvider time,
    ILogger<PluginDirectoryWatcher> logger) : BackgroundService
{
    // A copy shows up as several file events; a short quiet period lets it finish before the load.
    private static readonly TimeSpan s_settle = TimeSpan.FromMilliseconds(300);
    private readonly ILogger _logger = logger;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Plugins;
        if (!settings.Watch || settings.Directories.Count == 0)
        {
            return;
        }

        _ = registry.Plugins;
        var changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        var watchers = new List<FileSystemWatcher>();
        try
        {
            foreach (var folder in settings.Directories)
            {
                var watcher = new FileSystemWatcher(Path.GetFullPath(folder))
                {
                    IncludeSubdirectories = true,
                    Filter = "*.dll",
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.DirectoryName,
                };
                watcher.Created += (_, e) => changes.Writer.TryWrite(e.FullPath);
                watcher.Changed += (_, e) => changes.Writer.TryWrite(e.FullPath);
                watcher.Deleted += (_, e) => changes.Writer.TryWrite(e.FullPath);
                watcher.Renamed += (_, e) =>
                {
                    changes.Writer.TryWrite(e.OldFullPath);
                    changes.Writer.TryWrite(e.FullPath);
                };
                watcher.EnableRaisingEvents = true;
                watchers.Add(watcher);
            }

            // Whatever arrived between the first load and the watchers starting would otherwise be missed.
            var loaded = registry.Plugins.Select(p => p.Source).ToHashSet(StringComparer.Ordinal);
            foreach (var path in settings.Directories.SelectMany(PluginAssemblyLoader.FindAssemblies))
            {
                if (!loaded.Contains($"assembly:{path}"))
                {
                    changes.Writer.TryWrite(path);
                }
            }

            var pending = new HashSet<string>(StringComparer.Ordinal);
            while (await changes.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                do
                {
                    while (changes.Reader.TryRead(out var path))
                    {
                        pending.Add(path);
                    }

                    await Task.Delay(s_settle, time, stoppingToken).ConfigureAwait(false);
                }
                while (changes.Reader.TryRead(out var more) && pending.Add(more));

                foreach (var path in pending)
                {
                    Apply(path);
                }

                pending.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                watcher.Dispose();
            }
        }
    }

    private void Apply(string path)
    {
        var source = $"assembly:{Path.GetFullPath(path)}";
        registry.RemoveBySource(source);
        if (File.Exists(path) && IsPluginAssemblyPath(path))
        {
            var added = registry.LoadAssembly(path);
            LogLoadedAtRunTime(path, added.Count);
        }
    }

    /// <summary>Only the assemblies <see cref="PluginAssemblyLoader.FindAssemblies"/> would pick, not a plugin's private dependencies.</summary>
    private bool IsPluginAssemblyPath(string path)
    {
        var full = Path.GetFullPath(path);
        return options.Value.Plugins.Directories.Any(folder =>
        {
            var root = Path.GetFullPath(folder);
            var parent = Path.GetDirectoryName(full);
            return string.Equals(parent, root, StringComparison.Ordinal)
                || (string.Equals(Path.GetDirectoryName(parent), root, StringComparison.Ordinal)
                    && string.Equals(Path.GetFileName(parent), Path.GetFileNameWithoutExtension(full), StringComparison.Ordinal));
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugin assembly {Path} loaded at run time: {Count} plugins.")]
    private partial void LogLoadedAtRunTime(string path, int count);
}
