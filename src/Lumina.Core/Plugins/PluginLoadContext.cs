using System.Reflection;
using System.Runtime.Loader;

namespace Lumina.Core.Plugins;

/// <summary>
/// The AssemblyLoadContext of one plugin assembly: its private dependencies load from its own folder, while the
/// contracts it shares with the host (Lumina.Abstractions, Semantic Kernel, Microsoft.Extensions.*) come from the
/// host, so attributes and interfaces are the same types on both sides.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext, IDisposable
{
    private readonly AssemblyDependencyResolver _resolver;

    public PluginLoadContext(string assemblyPath)
        : base($"lumina-plugin:{Path.GetFileNameWithoutExtension(assemblyPath)}", isCollectible: true)
    {
        _resolver = new AssemblyDependencyResolver(assemblyPath);
    }

    public void Dispose() => Unload();

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName))
        {
            return null;
        }

        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    /// <summary>Assemblies the host already has are shared, so that a plugin never loads a second copy of a contract.</summary>
    private static bool IsShared(AssemblyName name) =>
        name.Name is { } n
        && (n.StartsWith("Lumina.", StringComparison.Ordinal)
            || n.StartsWith("Microsoft.SemanticKernel", StringComparison.Ordinal)
            || n.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)
            || Default.Assemblies.Any(a => string.Equals(a.GetName().Name, n, StringComparison.Ordinal)));
}
