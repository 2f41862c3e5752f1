using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Lumina.Core.Plugins;

/// <summary>Loads plugin assemblies, each in its own <see cref="PluginLoadContext"/>.</summary>
internal sealed partial class PluginAssemblyLoader(IServiceProvider services, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<PluginAssemblyLoader>();

    /// <summary>The plugin assemblies of a folder: each <c>*.dll</c> in it and each <c>Name/Name.dll</c> in a subfolder.</summary>
    public static IEnumerable<string> FindAssemblies(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*.dll").Order(StringComparer.Ordinal))
        {
            yield return Path.GetFullPath(file);
        }

        foreach (var sub in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            var candidate = Path.Combine(sub, Path.GetFileName(sub) + ".dll");
            if (File.Exists(candidate))
            {
                yield return Path.GetFullPath(candidate);
            }
        }
    }

    /// <summary>
    /// Loads the plugins of one assembly. A broken assembly or plugin is logged and skipped: one bad plugin must not
    /// keep the host from serving the others.
    /// </summary>
    public IReadOnlyList<LuminaPlugin> Load(string assemblyPath)
    {
        var fullPath = Path.GetFullPath(assemblyPath);
        var source = $"assembly:{fullPath}";
        var context = new PluginLoadContext(fullPath);
        var plugins = new List<LuminaPlugin>();
        try
        {
            var assembly = context.LoadFromAssemblyPath(fullPath);
            foreach (var type in assembly.GetExportedTypes().Where(LuminaPluginFactory.IsPluginType))
            {
                try
                {
                    plugins.Add(LuminaPluginFactory.Create(type, services, source: source));
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogPluginFailed(ex, type.FullName ?? type.Name, fullPath);
                }
            }
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or FileNotFoundException or ReflectionTypeLoadException or TypeLoadException)
        {
            LogAssemblyFailed(ex, fullPath);
        }

        if (plugins.Count == 0)
        {
            context.Unload();
            return plugins;
        }

        // Every plugin of the assembly shares the context; the last one removed unloads it.
        var owner = new SharedOwner(context, plugins.Count);
        return [.. plugins.Select(p => new LuminaPlugin(p.Plugin, p.Source, owner: owner.Lease()))];
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not load plugin assembly {Path}.")]
    private partial void LogAssemblyFailed(Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not create plugin {Type} from {Path}.")]
    private partial void LogPluginFailed(Exception exception, string type, string path);

    private sealed class SharedOwner(PluginLoadContext context, int count)
    {
        private int _remaining = count;

        public IDisposable Lease() => new LeaseHandle(this);

        private void Release()
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                context.Unload();
            }
        }

        private sealed class LeaseHandle(SharedOwner owner) : IDisposable
        {
            private int _disposed;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    owner.Release();
                }
            }
        }
    }
}
