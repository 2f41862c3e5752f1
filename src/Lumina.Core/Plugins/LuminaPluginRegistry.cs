using System.Collections.Immutable;
using Lumina.Core.Configuration;
using Lumina.Core.Prompts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Plugins;

/// <summary>
/// The plugins Lumina serves. Loads the registered, prompt-directory and assembly plugins on first use,
/// takes plugins added or removed at run time, and raises <see cref="Changed"/> so servers can tell their clients.
/// </summary>
/// <remarks>
/// The plugin list is an immutable snapshot replaced on every change (copy on write): readers on the hot
/// path (every tool call) never take a lock, and a change never disturbs a call in flight.
/// </remarks>
public sealed partial class LuminaPluginRegistry : IDisposable
{
    private readonly IServiceProvider _services;
    private readonly IEnumerable<LuminaPluginRegistration> _registrations;
    private readonly LuminaOptions _options;
    private readonly PluginAssemblyLoader _assemblies;
    private readonly PromptDirectoryLoader _prompts;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private State? _state;

    public LuminaPluginRegistry(
        IServiceProvider services,
        IEnumerable<LuminaPluginRegistration> registrations,
        IOptions<LuminaOptions> options,
        ILoggerFactory loggerFactory)
    {
        _services = services;
        _registrations = registrations;
        _options = options.Value;
        _logger = loggerFactory.CreateLogger<LuminaPluginRegistry>();
        _assemblies = new PluginAssemblyLoader(services, loggerFactory);
        _prompts = new PromptDirectoryLoader(loggerFactory);
    }

    /// <summary>Raised after plugins were added or removed.</summary>
    public event EventHandler? Changed;

    /// <summary>The plugins served now.</summary>
    public ImmutableArray<LuminaPlugin> Plugins => EnsureLoaded().Plugins;

    /// <summary>
    /// A kernel over the plugins served now, shared by the servers. Do not add plugins to it: use
    /// <see cref="Add"/>, or <see cref="CreateKernel"/> for a kernel of your own.
    /// </summary>
    public Kernel Kernel => EnsureLoaded().Kernel;

    /// <summary>A new kernel over the plugins served now, which the caller may change freely.</summary>
    public Kernel CreateKernel() => new(_services, new KernelPluginCollection(Plugins.Select(p => p.Plugin)));

    /// <summary>Finds a function by plugin and function name.</summary>
    public LuminaFunction? Find(string pluginName, string functionName)
    {
        foreach (var plugin in Plugins)
        {
            if (string.Equals(plugin.Name, pluginName, StringComparison.OrdinalIgnoreCase))
            {
                return plugin.Functions.FirstOrDefault(f => string.Equals(f.Function.Name, functionName, StringComparison.OrdinalIgnoreCase));
            }
        }

        return null;
    }

    /// <summary>Adds a plugin while the host runs.</summary>
    /// <returns><see langword="false"/> when a plugin of that name is already served or the name is disabled.</returns>
    public bool Add(LuminaPlugin plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        EnsureLoaded();
        lock (_gate)
        {
            var plugins = _state!.Plugins;
            if (!TryAccept(plugins, plugin))
            {
                return false;
            }

            Publish(plugins.Add(plugin));
        }

        Changed?.Invoke(this, EventArgs.Empty);
        return true;
    }

    /// <summary>
    /// Serves <paramref name="plugin"/> in place of the plugins whose <see cref="LuminaPlugin.Source"/> is its source, in
    /// one step: a call or list made meanwhile sees the old plugins or the new one, never neither.
    /// </summary>
    /// <returns><see langword="false"/> (and the old plugins stay) when another source serves a plugin of that name or the name is disabled.</returns>
    public bool Replace(LuminaPlugin plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        EnsureLoaded();
        ImmutableArray<LuminaPlugin> removed;
        lock (_gate)
        {
            var plugins = _state!.Plugins;
            removed = [.. plugins.Where(p => p.Source == plugin.Source)];
            var kept = plugins.RemoveRange(removed);
            if (!TryAccept(kept, plugin))
            {
                return false;
            }

            Publish(kept.Add(plugin));
        }

        foreach (var old in removed)
        {
            old.Owner?.Dispose();
        }

        Changed?.Invoke(this, EventArgs.Empty);
        return true;
    }

    /// <summary>Removes the plugins whose <see cref="LuminaPlugin.Source"/> is <paramref name="source"/>, and unloads them.</summary>
    /// <returns>How many were removed.</returns>
    public int RemoveBySource(string source)
    {
        EnsureLoaded();
        ImmutableArray<LuminaPlugin> removed;
        lock (_gate)
        {
            var plugins = _state!.Plugins;
            removed = [.. plugins.Where(p => p.Source == source)];
            if (removed.IsEmpty)
            {
                return 0;
            }

            Publish(plugins.RemoveRange(removed));
        }

        foreach (var plugin in removed)
        {
            LogPluginRemoved(plugin.Name, plugin.Source);
            plugin.Owner?.Dispose();
        }

        Changed?.Invoke(this, EventArgs.Empty);
        return removed.Length;
    }

    /// <summary>Loads the plugin assemblies at <paramref name="path"/> (a dll, or a folder holding <c>Name/Name.dll</c>) and adds their plugins.</summary>
    /// <returns>The plugins added.</returns>
    public IReadOnlyList<LuminaPlugin> LoadAssembly(string path)
    {
        var added = new List<LuminaPlugin>();
        foreach (var plugin in _assemblies.Load(path))
        {
            if (Add(plugin))
            {
                added.Add(plugin);
            }
            else
            {
                plugin.Owner?.Dispose();
            }
        }

        return added;
    }

    public void Dispose()
    {
        var state = _state;
        if (state is null)
        {
            return;
        }

        foreach (var owner in state.Plugins.Select(p => p.Owner).OfType<IDisposable>().Distinct())
        {
            owner.Dispose();
        }
    }

    private State EnsureLoaded()
    {
        var state = Volatile.Read(ref _state);
        if (state is not null)
        {
            return state;
        }

        lock (_gate)
        {
            if (_state is null)
            {
                var plugins = ImmutableArray.CreateBuilder<LuminaPlugin>();
                foreach (var plugin in LoadAll())
                {
                    if (TryAccept(plugins, plugin))
                    {
                        plugins.Add(plugin);
                    }
                    else
                    {
                        plugin.Owner?.Dispose();
                    }
                }

                Publish(plugins.ToImmutable());
            }

            return _state!;
        }
    }

    private IEnumerable<LuminaPlugin> LoadAll()
    {
        foreach (var registration in _registrations)
        {
            yield return registration.Create(_services);
        }

        if (_options.Prompts.BuiltIn)
        {
            var builtIn = Path.Combine(AppContext.BaseDirectory, "prompts");
            if (Directory.Exists(builtIn))
            {
                foreach (var plugin in _prompts.Load(builtIn, "builtin"))
                {
                    yield return plugin;
                }
            }
        }

        foreach (var folder in _options.Prompts.Directories)
        {
            foreach (var plugin in _prompts.Load(folder, $"prompts:{Path.GetFullPath(folder)}"))
            {
                yield return plugin;
            }
        }

        foreach (var folder in _options.Plugins.Directories)
        {
            foreach (var path in PluginAssemblyLoader.FindAssemblies(folder))
            {
                foreach (var plugin in _assemblies.Load(path))
                {
                    yield return plugin;
                }
            }
        }
    }

    private bool TryAccept(IReadOnlyCollection<LuminaPlugin> plugins, LuminaPlugin plugin)
    {
        if (_options.Plugins.Disabled.Contains(plugin.Name, StringComparer.OrdinalIgnoreCase))
        {
            LogPluginDisabled(plugin.Name);
            return false;
        }

        if (plugins.Any(p => string.Equals(p.Name, plugin.Name, StringComparison.OrdinalIgnoreCase)))
        {
            LogDuplicatePlugin(plugin.Name, plugin.Source);
            return false;
        }

        LogPluginLoaded(plugin.Name, plugin.Source, plugin.Functions.Count);
        return true;
    }

    private void Publish(ImmutableArray<LuminaPlugin> plugins) =>
        Volatile.Write(ref _state, new State(plugins, new Kernel(_services, new KernelPluginCollection(plugins.Select(p => p.Plugin)))));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Loaded plugin {Plugin} from {Source} with {Count} functions.")]
    private partial void LogPluginLoaded(string plugin, string source, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed plugin {Plugin} ({Source}).")]
    private partial void LogPluginRemoved(string plugin, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugin {Plugin} is disabled by Lumina:Plugins:Disabled.")]
    private partial void LogPluginDisabled(string plugin);

    [LoggerMessage(Level = LogLevel.Error, Message = "A plugin named {Plugin} is already loaded; the one from {Source} is ignored.")]
    private partial void LogDuplicatePlugin(string plugin, string source);

    private sealed record State(ImmutableArray<LuminaPlugin> Plugins, Kernel Kernel);
}
